#!/usr/bin/python3
"""Golden values for LossLab's closed-form and IRLS solvers (src/LossLab/Solvers).

Run with Debian's statsmodels (python3-statsmodels 0.13.5, with its numpy / scipy / pandas):

    apt-get install -y python3-statsmodels
    /usr/bin/python3 tools/generate_solver_goldens.py

Writes tests/LossLab.Tests/Goldens/solvers.json (relative to the repository root). The data are read
from the copies the tests use, tests/LossLab.Tests/Solvers/Data/*.csv (provenance:
/work/shared/datasets/README.md), so both sides fit the same numbers. Every model has an intercept
(a constant column prepended, statsmodels' `add_constant`); parameters are listed intercept first, then
one per feature in the CSV's column order.

Cases (`kind`):
- `ols`: statsmodels OLS (pinv) params, residuals and rank.
- `certified`: NIST StRD's certified Longley values (typed in from
  https://www.itl.nist.gov/div898/strd/lls/data/Longley.shtml) and the published LAD fit of stackloss
  (Koenker & Bassett / R quantreg `rq(stack.loss ~ ., stackloss)`), with the precision they carry.
- `rlm`: statsmodels RLM with HuberT() and TukeyBiweight() at the defaults of `RLM.fit()`
  (OLS start, scale_est='mad' i.e. `scale.mad(resid, center=0)` = median|r| / Phi^-1(3/4),
  re-estimated every iteration, conv='dev', tol=1e-8, maxiter=50): params, scale, the IRLS
  weights of the last solve, and the iteration count statsmodels reports.
- `quantreg`: statsmodels QuantReg.fit(q) (its own IRLS, p_tol=1e-6, max_iter=1000), whose
  answer is approximate, together with the exact linear-programming solution of the same check-loss
  problem from scipy's HiGHS (`exact_params`, `exact_objective` = sum of rho_tau(r_i)).

Nothing is random, so re-running produces the identical file (up to the libraries' versions, which are
recorded).
"""

import csv
import json
import os
from collections import OrderedDict

import numpy as np
import scipy
import statsmodels
import statsmodels.api as sm
from scipy.optimize import linprog

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA_DIR = os.path.join(REPO_ROOT, "tests", "LossLab.Tests", "Solvers", "Data")
OUT_PATH = os.path.join(REPO_ROOT, "tests", "LossLab.Tests", "Goldens", "solvers.json")

TARGETS = {"stackloss": "STACKLOSS", "longley": "TOTEMP", "engel": "foodexp"}


def load(name):
    """(X with a leading constant column, y, feature names) from Data/<name>.csv."""
    with open(os.path.join(DATA_DIR, name + ".csv"), newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], np.array([[float(v) for v in r] for r in rows[1:]])
    target = TARGETS[name]
    t = header.index(target)
    features = [h for h in header if h != target]
    cols = [header.index(h) for h in features]
    X = np.column_stack([np.ones(body.shape[0]), body[:, cols]])
    return X, body[:, t], features


def floats(a):
    return [float(v) for v in np.asarray(a).ravel()]


def ols_case(name):
    X, y, features = load(name)
    res = sm.OLS(y, X).fit()
    return OrderedDict(
        id="ols-" + name, kind="ols", dataset=name, target=TARGETS[name], features=features,
        params=floats(res.params), resid=floats(res.resid), rank=int(np.linalg.matrix_rank(X)),
        ssr=float(res.ssr))


def rlm_case(name, label, norm):
    X, y, features = load(name)
    res = sm.RLM(y, X, M=norm).fit()
    return OrderedDict(
        id="rlm-%s-%s" % (label, name), kind="rlm", dataset=name, target=TARGETS[name],
        features=features, norm=label,
        tuning=float(norm.t if label == "huber" else norm.c),
        fit_options=OrderedDict(maxiter=50, tol=1e-8, scale_est="mad", conv="dev", update_scale=True),
        params=floats(res.params), scale=float(res.scale), weights=floats(res.weights),
        resid=floats(res.resid), iterations=int(res.fit_history["iteration"]))


def check_loss(r, q):
    return float(np.sum(np.where(r >= 0, q * r, (q - 1) * r)))


def exact_quantile(X, y, q):
    """min sum rho_q(y - X b) as an LP: b = b+ - b-, y - X b = u - v, u, v >= 0."""
    n, p = X.shape
    c = np.concatenate([np.zeros(2 * p), q * np.ones(n), (1 - q) * np.ones(n)])
    A = np.hstack([X, -X, np.eye(n), -np.eye(n)])
    res = linprog(c, A_eq=A, b_eq=y, bounds=[(0, None)] * (2 * p + 2 * n), method="highs")
    assert res.status == 0, res.message
    b = res.x[:p] - res.x[p:2 * p]
    return b, check_loss(y - X @ b, q)


def quantreg_case(name, q):
    X, y, features = load(name)
    res = sm.QuantReg(y, X).fit(q=q)
    exact, objective = exact_quantile(X, y, q)
    return OrderedDict(
        id="quantreg-%s-%g" % (name, q), kind="quantreg", dataset=name, target=TARGETS[name],
        features=features, tau=q, params=floats(res.params),
        objective=check_loss(y - X @ res.params, q), iterations=int(res.iterations),
        exact_params=floats(exact), exact_objective=objective,
        sum_abs_dev=float(np.sum(np.abs(y - X @ exact))))


def certified_cases():
    return [
        OrderedDict(
            id="nist-longley", kind="certified", dataset="longley", target="TOTEMP",
            features=["GNPDEFL", "GNP", "UNEMP", "ARMED", "POP", "YEAR"],
            source="NIST StRD linear regression, Longley (certified values, 15 significant digits)",
            params=[-3482258.63459582, 15.0618722713733, -0.358191792925910e-01,
                    -2.02022980381683, -1.03322686717359, -0.511041056535807e-01,
                    1829.15146461355],
            standard_deviations=[890420.383607373, 84.9149257747669, 0.334910077722432e-01,
                                 0.488399681651699, 0.214274163161675, 0.226073200069370,
                                 455.478499142212],
            residual_sd=304.854073561965, r_squared=0.995479004577296,
            tolerance_relative=1e-12),
        OrderedDict(
            id="published-lad-stackloss", kind="certified", dataset="stackloss", target="STACKLOSS",
            features=["AIRFLOW", "WATERTEMP", "ACIDCONC"],
            source="Least absolute deviations fit of stackloss as published (Koenker & Bassett; "
                   "R quantreg rq(stack.loss ~ ., stackloss)), rounded as printed",
            params=[-39.69, 0.832, 0.574, -0.061], sum_abs_dev=42.08,
            tolerance_absolute=1e-3),
    ]


def main():
    cases = [ols_case("stackloss"), ols_case("longley"), ols_case("engel")]
    cases += [rlm_case("stackloss", "huber", sm.robust.norms.HuberT()),
              rlm_case("stackloss", "tukey", sm.robust.norms.TukeyBiweight())]
    cases += [quantreg_case("engel", q) for q in (0.1, 0.5, 0.9)]
    cases += [quantreg_case("stackloss", 0.5)]
    cases += certified_cases()
    doc = OrderedDict(
        generator="tools/generate_solver_goldens.py", statsmodels=statsmodels.__version__,
        numpy=np.__version__, scipy=scipy.__version__,
        parameter_order="intercept first, then one per feature in CSV column order",
        cases=cases)
    with open(OUT_PATH + ".tmp", "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    os.replace(OUT_PATH + ".tmp", OUT_PATH)
    for c in cases:
        print(c["id"], c["params"], c.get("exact_params", ""), c.get("scale", ""), c.get("iterations", ""))


if __name__ == "__main__":
    main()
