#!/usr/bin/python3
"""Golden values for LossLab.Lab.Statistics (src/LossLab.Lab/Statistics).

Run with Debian's Python and its numpy 1.24 / scipy 1.10 / statsmodels 0.13 / mpmath 1.2:

    /usr/bin/python3 tools/generate_statistics_goldens.py

Writes three files under tests/LossLab.Lab.Tests/Statistics/Goldens/ (relative to the repository root):

- distributions.json: Student t (cdf, sf, ppf), chi-square sf, F sf, normal ppf and the studentized range
  (cdf and ppf for infinite degrees of freedom) from scipy.stats, each value also recomputed with mpmath at
  40 significant digits (`mp`), which is the tight reference; scipy's own value is `scipy`.
- resampled.json: the corrected resampled t-test of Nadeau & Bengio (2003) as written by Bouckaert & Frank
  (2004), computed directly with numpy/scipy; Holm-adjusted p-values from statsmodels' multipletests;
  Friedman's chi-square from scipy.stats.friedmanchisquare with the Iman-Davenport F.
- regression.json: hat values and Cook's distances from statsmodels' OLSInfluence, the Breusch-Pagan
  (Koenker, robust=True) and White tests, the Durbin-Watson statistic and the lag-one autocorrelation
  (statsmodels acf) on three data sets that ship with statsmodels (stackloss, longley, statecrime; no download)
  and a seeded heteroscedastic synthetic set.

Everything is deterministic (the synthetic data use numpy's PCG64 with fixed seeds), so re-running produces the
same files up to the libraries' versions, which are recorded.
"""

import json
import os
from collections import OrderedDict

import mpmath as mp
import numpy as np
import scipy
import statsmodels
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats.diagnostic import het_breuschpagan, het_white
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.outliers_influence import OLSInfluence
from statsmodels.stats.stattools import durbin_watson
from statsmodels.tsa.stattools import acf

mp.mp.dps = 40

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(REPO_ROOT, "tests", "LossLab.Lab.Tests", "Statistics", "Goldens")

VERSIONS = OrderedDict(
    numpy=np.__version__, scipy=scipy.__version__, statsmodels=statsmodels.__version__, mpmath=mp.__version__
)


def f(x):
    """A float for JSON (repr round-trips doubles); infinities as strings."""
    x = float(x)
    if np.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if np.isnan(x):
        return "NaN"
    return x


def write(name, cases, notes):
    os.makedirs(OUT_DIR, exist_ok=True)
    doc = OrderedDict(generator="tools/generate_statistics_goldens.py", versions=VERSIONS, notes=notes, cases=cases)
    with open(os.path.join(OUT_DIR, name), "w") as fh:
        json.dump(doc, fh, indent=1)
        fh.write("\n")


# ---------------------------------------------------------------- distributions (mpmath references)


def mp_t_cdf(t, df):
    t, df = mp.mpf(t), mp.mpf(df)
    x = df / (df + t * t)
    try:
        tail = mp.betainc(df / 2, mp.mpf(1) / 2, 0, x, regularized=True) / 2
    except mp.libmp.libhyper.NoConvergence:
        # mpmath's series gives up only in the far tail of huge df (t = -300, df = 1e7: about 1e-19000);
        # such points lie below 1e-300 and are skipped by the caller
        tail = mp.mpf(0)
    return tail if t < 0 else 1 - tail


def mp_t_sf(t, df):
    return mp_t_cdf(-t, df)


def mp_t_ppf(p, df):
    """t with F(t) = p, solved in s = ln(-t) on the lower tail with a bracketing solver (robust far in the tail)."""
    p, df = mp.mpf(p), mp.mpf(df)
    if p == 0.5:
        return mp.mpf(0)
    lower = p < 0.5
    target = p if lower else 1 - p
    g = lambda s: mp.log(mp_t_cdf(-mp.exp(s), df)) - mp.log(target)
    start = float(stats.t.ppf(float(target), float(df)))
    if -1e99 < start < 0:
        s0 = mp.log(-mp.mpf(start))
        if abs(g(s0)) < 1e-6:
            # scipy's value is close: a secant from it converges in a few steps
            s = mp.findroot(g, (s0, s0 + mp.mpf(10) ** -9), solver="secant", tol=mp.mpf(10) ** -60, maxsteps=100)
            return -mp.exp(s) if lower else mp.exp(s)
    lo = mp.mpf(-40)
    while g(lo) < 0:
        lo -= 10
    hi = lo + 10
    while g(hi) > 0:
        lo, hi = hi, hi + 10
    s = mp.findroot(g, (lo, hi), solver="anderson", tol=mp.mpf(10) ** -30, maxsteps=500)
    root = -mp.exp(s)
    return root if lower else -root


def mp_chi2_sf(x, df):
    return mp.gammainc(mp.mpf(df) / 2, mp.mpf(x) / 2, mp.inf, regularized=True)


def mp_f_sf(x, d1, d2):
    x, d1, d2 = mp.mpf(x), mp.mpf(d1), mp.mpf(d2)
    y = d2 / (d1 * x + d2)
    try:
        return mp.betainc(d2 / 2, d1 / 2, 0, y, regularized=True)
    except (ValueError, mp.libmp.libhyper.NoConvergence):
        # mpmath gives up for some huge degrees of freedom: such points are left out (the caller skips None)
        return None


def mp_norm_ppf(p):
    return -mp.sqrt(2) * mp.erfinv(1 - 2 * mp.mpf(p)) if p > 1e-300 else mp.findroot(lambda z: mp.ncdf(z) - mp.mpf(p), float(stats.norm.ppf(p)))


def mp_norm_ppf_any(p):
    p = mp.mpf(p)
    z0 = float(stats.norm.ppf(float(p)))
    return mp.findroot(lambda z: mp.ncdf(z) - p, mp.mpf(z0), tol=mp.mpf(10) ** -60)


def mp_range_cdf(q, k):
    q = mp.mpf(q)

    def integrand(z):
        return mp.npdf(z) * (mp.ncdf(z + q) - mp.ncdf(z)) ** (k - 1)

    return k * mp.quad(integrand, [-mp.inf, -q, -q / 2, 0, mp.inf])


def mp_range_ppf(p, k):
    q0 = float(stats.studentized_range.ppf(p, k, np.inf))
    return mp.findroot(lambda q: mp_range_cdf(q, k) - mp.mpf(p), mp.mpf(q0), tol=mp.mpf(10) ** -30)


def distributions():
    cases = []
    dfs = [0.5, 1, 1.5, 2, 3, 4.5, 7, 10, 30, 100, 1000, 1e5, 1e7]
    ts = [-1e6, -300, -40, -12, -5, -2.5, -1, -0.3, -1e-3, 0, 1e-8, 0.1, 0.7, 1.5, 3, 8, 25, 150, 1e4]
    for df in dfs:
        for t in ts:
            cdf, sf = mp_t_cdf(t, df), mp_t_sf(t, df)
            if cdf < mp.mpf(10) ** -300 or sf < mp.mpf(10) ** -300:
                continue
            cases.append(OrderedDict(kind="t", t=f(t), df=f(df), cdf_mp=f(cdf), sf_mp=f(sf), cdf_scipy=f(stats.t.cdf(t, df)), sf_scipy=f(stats.t.sf(t, df))))
    ps = [1e-250, 1e-100, 1e-20, 1e-8, 1e-4, 0.001, 0.01, 0.025, 0.05, 0.1, 0.3, 0.5, 0.6, 0.9, 0.95, 0.975, 0.99, 0.999, 1 - 1e-9]
    for df in [1, 2, 3, 4.5, 10, 30, 100, 1e4, 1e6]:
        for p in ps:
            if p < 1e-20 and df >= 1e4:
                continue
            if p < 1e-150 and df > 4:
                continue
            q = mp_t_ppf(p, df)
            cases.append(OrderedDict(kind="t_ppf", p=f(p), df=f(df), ppf_mp=f(q), ppf_scipy=f(stats.t.ppf(p, df))))
    for df in [0.5, 1, 2, 3, 5, 10, 29, 100, 1000, 1e5]:
        for ratio in [1e-6, 0.01, 0.3, 0.9, 1.0, 1.1, 2, 5, 20, 80]:
            x = ratio * df + (0 if df > 2 else ratio * 3)
            v = mp_chi2_sf(x, df)
            if v < mp.mpf(10) ** -300:
                continue
            cases.append(OrderedDict(kind="chi2_sf", x=f(x), df=f(df), sf_mp=f(v), sf_scipy=f(stats.chi2.sf(x, df))))
    for d1, d2 in [(1, 1), (1, 10), (2, 7), (3, 40), (5, 5), (10, 2), (9, 72), (30, 300), (200, 1000), (1e4, 1e4)]:
        for x in [1e-4, 0.2, 0.8, 1.0, 1.3, 2.5, 6, 30, 1e3, 1e6]:
            v = mp_f_sf(x, d1, d2)
            if v is None or v < mp.mpf(10) ** -300:
                continue
            cases.append(OrderedDict(kind="f_sf", x=f(x), df1=f(d1), df2=f(d2), sf_mp=f(v), sf_scipy=f(stats.f.sf(x, d1, d2))))
    for p in [1e-300, 1e-200, 1e-50, 1e-17, 1e-10, 1e-5, 0.001, 0.02425, 0.025, 0.1, 0.3, 0.5, 0.7, 0.9, 0.95, 0.975, 0.97575, 0.999, 1 - 1e-10, 1 - 2 ** -52]:
        cases.append(OrderedDict(kind="norm_ppf", p=f(p), ppf_mp=f(mp_norm_ppf_any(p)), ppf_scipy=f(stats.norm.ppf(p))))
    for k in [2, 3, 4, 5, 6, 7, 8, 9, 10, 15, 20, 50]:
        for p in [0.5, 0.9, 0.95, 0.99, 0.999]:
            q = mp_range_ppf(p, k)
            cases.append(OrderedDict(kind="range_ppf", p=f(p), k=k, ppf_mp=f(q), ppf_scipy=f(stats.studentized_range.ppf(p, k, np.inf))))
        for q in [0.5, 2.0, 3.5, 6.0]:
            cases.append(OrderedDict(kind="range_cdf", q=f(q), k=k, cdf_mp=f(mp_range_cdf(q, k)), cdf_scipy=f(stats.studentized_range.cdf(q, k, np.inf))))
    for i, c in enumerate(cases):
        c["id"] = "%s-%d" % (c["kind"], i)
        c.move_to_end("id", last=False)
    write("distributions.json", cases, "mp: mpmath at 40 digits (the tight reference); scipy: scipy.stats with df=inf for the studentized range")


# ---------------------------------------------------------------- resampled tests


def nadeau_bengio(d, ratio, conf):
    d = np.asarray(d, dtype=float)
    J = d.size
    mean = d.mean()
    var = d.var(ddof=1)
    se = np.sqrt((1.0 / J + ratio) * var)
    t = mean / se
    p = 2 * stats.t.sf(abs(t), J - 1)
    crit = stats.t.ppf((1 + conf) / 2, J - 1)
    # scipy's t.ppf (cephes stdtri) carries about 1e-10 relative error, so the interval is also given with the
    # critical value from mpmath (low_mp, high_mp)
    crit_mp = float(mp_t_ppf((1 + conf) / 2, J - 1))
    return OrderedDict(mean=f(mean), se=f(se), t=f(t), df=f(J - 1), p=f(p), low=f(mean - crit * se), high=f(mean + crit * se), low_mp=f(mean - crit_mp * se), high_mp=f(mean + crit_mp * se))


def resampled():
    cases = []
    rng = np.random.default_rng(20240611)
    for name, J, shift, scale, ratio, conf in [
        ("10x10-small-shift", 100, 0.01, 0.05, 1 / 9, 0.95),
        ("5x2", 10, 0.3, 1.0, 1.0, 0.95),
        ("5-fold-x3-null", 15, 0.0, 2.0, 0.25, 0.9),
        ("10-fold-x1-large", 10, 3.0, 0.5, 1 / 9, 0.99),
        ("2-pairs", 2, -0.4, 0.3, 0.5, 0.95),
    ]:
        d = shift + scale * rng.standard_normal(J)
        cases.append(OrderedDict(kind="nadeau_bengio", id="nb-" + name, d=[f(v) for v in d], ratio=f(ratio), confidence=f(conf), expected=nadeau_bengio(d, ratio, conf)))
    for name, p in [
        ("textbook", [0.01, 0.04, 0.03, 0.005]),
        ("ties", [0.02, 0.02, 0.5, 0.02, 0.9, 0.001]),
        ("capped", [0.3, 0.6, 0.2, 0.8, 0.45]),
        ("random-20", list(rng.uniform(0, 0.2, 20) ** 2)),
        ("tiny", [1e-300, 1e-12, 0.04, 1.0]),
    ]:
        adj = multipletests(p, method="holm")[1]
        cases.append(OrderedDict(kind="holm", id="holm-" + name, p=[f(v) for v in p], adjusted=[f(v) for v in adj]))
    for name, n, k, ties in [("n10-k4", 10, 4, False), ("n25-k5-ties", 25, 5, True), ("n6-k3", 6, 3, False), ("n40-k8", 40, 8, False), ("n12-k5-ties", 12, 5, True)]:
        base = np.linspace(0, 1, k)
        scores = base[None, :] * 0.3 + rng.standard_normal((n, k))
        if ties:
            scores = np.round(scores * 2) / 2
        for lower in [True, False]:
            chi2, p = stats.friedmanchisquare(*[scores[:, j] for j in range(k)])
            signed = scores if lower else -scores
            ranks = np.apply_along_axis(stats.rankdata, 1, signed)
            avg = ranks.mean(axis=0)
            ff = (n - 1) * chi2 / (n * (k - 1) - chi2)
            fp = stats.f.sf(ff, k - 1, (k - 1) * (n - 1))
            cases.append(OrderedDict(kind="friedman", id="friedman-%s-%s" % (name, "lower" if lower else "higher"), scores=[[f(v) for v in row] for row in scores], lower_is_better=lower, average_ranks=[f(v) for v in avg], chi2=f(chi2), chi2_p=f(p), f=f(ff), f_p=f(fp)))
    write("resampled.json", cases, "nadeau_bengio: numpy/scipy directly (ddof=1 variance, (1/J + ratio) factor, df=J-1); holm: statsmodels multipletests; friedman: scipy friedmanchisquare (tie-corrected) and Iman-Davenport F = (N-1)chi2/(N(k-1)-chi2)")


# ---------------------------------------------------------------- regression diagnostics


def regression_case(name, X, y, white=True):
    exog = sm.add_constant(X, prepend=True, has_constant="add")
    fit = sm.OLS(y, exog).fit()
    infl = OLSInfluence(fit)
    resid = fit.resid
    bp = het_breuschpagan(resid, exog, robust=True)
    case = OrderedDict(
        kind="regression",
        id="regression-" + name,
        rows=int(X.shape[0]),
        columns=int(X.shape[1]),
        x=[f(v) for v in np.asarray(X, dtype=float).ravel()],
        y=[f(v) for v in y],
        residuals=[f(v) for v in resid],
        leverage=[f(v) for v in infl.hat_matrix_diag],
        cooks=[f(v) for v in infl.cooks_distance[0]],
        bp_lm=f(bp[0]),
        bp_p=f(bp[1]),
        bp_df=int(exog.shape[1] - 1),
        dw=f(durbin_watson(resid)),
        acf1=f(acf(resid, nlags=1, fft=False)[1]),
    )
    if white:
        w = het_white(resid, exog)
        nvars = exog.shape[1]
        i0, i1 = np.triu_indices(nvars)
        aux = exog[:, i0] * exog[:, i1]
        case["white_lm"] = f(w[0])
        case["white_p"] = f(w[1])
        case["white_df"] = int(np.linalg.matrix_rank(aux) - 1)
    return case


def regression():
    cases = []
    d = sm.datasets.stackloss.load_pandas().data
    cases.append(regression_case("stackloss", d[["AIRFLOW", "WATERTEMP", "ACIDCONC"]].to_numpy(float), d["STACKLOSS"].to_numpy(float)))
    d = sm.datasets.longley.load_pandas().data
    cases.append(regression_case("longley", d[["GNPDEFL", "GNP", "UNEMP", "ARMED", "POP", "YEAR"]].to_numpy(float), d["TOTEMP"].to_numpy(float), white=False))
    d = sm.datasets.statecrime.load_pandas().data
    cases.append(regression_case("statecrime", d[["poverty", "hs_grad", "urban"]].to_numpy(float), d["murder"].to_numpy(float)))
    cases.append(regression_case("statecrime-one", d[["poverty"]].to_numpy(float), d["violent"].to_numpy(float)))
    rng = np.random.default_rng(7)
    n = 400
    x1 = rng.uniform(0, 10, n)
    x2 = rng.standard_normal(n)
    flag = (rng.uniform(size=n) < 0.3).astype(float)
    y = 1 + 2 * x1 - 0.5 * x2 + flag + (0.2 + 0.3 * x1) * rng.standard_normal(n)
    # the 0/1 column squares to itself, so White's auxiliary design has a duplicate column that is dropped
    cases.append(regression_case("hetero-synthetic", np.column_stack([x1, x2, flag]), y))
    x = rng.standard_normal((300, 2))
    y = 0.5 + x @ np.array([1.0, -2.0]) + rng.standard_normal(300)
    cases.append(regression_case("homo-synthetic", x, y))
    write("regression.json", cases, "statsmodels OLS with add_constant; OLSInfluence hat_matrix_diag and cooks_distance[0]; het_breuschpagan(robust=True); het_white (df = rank of the auxiliary design - 1); durbin_watson; acf(nlags=1, fft=False)[1]")


if __name__ == "__main__":
    distributions()
    resampled()
    regression()
