#!/usr/bin/python3
"""Export LossLab's advice corpus: data sets with an expert's choice of loss and metric.

Run with Debian's Python (numpy 1.24, scipy 1.10, pandas, statsmodels 0.13, scikit-learn 1.2)
and Debian's R (Rscript with the base `datasets`, `MASS` and `robustbase` packages):

    /usr/bin/python3 tools/export_advice_corpus.py

Writes, relative to the repository root:

    tests/AdviceCorpus/*.csv          one file per case (header row, '.' decimals, ',' separator)
    tests/AdviceCorpus/corpus.json    every case: file, target, kind, source, rows, columns,
                                      what_it_tests, expert {...}, reason, diagnostics {...}
    tests/AdviceCorpus/PROVENANCE.md  where each real data set comes from and what was changed

Only data that ships inside those packages is used (no network): statsmodels.datasets.*,
sklearn.datasets.load_* (bundled), R's datasets::, MASS:: and robustbase::.

The `expert` block of every case is written by hand in this file (CASES below), from the
diagnostics that this script also computes and stores (so that the numbers quoted in a reason
can be checked). It was written before `losslab advise` was run on any of these files and must
not be edited to agree with the advisor afterwards.

Synthetic cases use numpy's default_rng with a fixed seed per case, so re-running produces the
identical files.
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import warnings

import numpy as np
import pandas as pd
import scipy.stats as st
import statsmodels.api as sm
import statsmodels.datasets as smd
from sklearn import datasets as skd
from statsmodels.stats.diagnostic import het_breuschpagan
from statsmodels.stats.outliers_influence import OLSInfluence

warnings.filterwarnings("ignore")

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
OUT = os.path.join(ROOT, "tests", "AdviceCorpus")

# ----------------------------------------------------------------------------------------------
# R data sets: dumped once to a temporary folder with write.csv (row names in column "rowname").

R_SCRIPT = r"""
suppressMessages({library(MASS); library(robustbase)})
out <- commandArgs(trailingOnly = TRUE)[1]
w <- function(d, nm) write.csv(data.frame(rowname = rownames(d), d, check.names = FALSE),
                               file.path(out, paste0(nm, ".csv")), row.names = FALSE)
for (nm in c("hbk", "starsCYG", "foodstamp")) { e <- new.env(); data(list = nm, package = "robustbase", envir = e); w(get(nm, e), nm) }
for (nm in c("hills", "stackloss", "quine", "mammals", "Pima.tr", "fgl")) w(get(nm), nm)
for (nm in c("InsectSprays", "warpbreaks", "airquality", "mtcars")) w(get(nm, envir = as.environment("package:datasets")), nm)
"""


def load_r(tmp):
    path = os.path.join(tmp, "dump.R")
    with open(path, "w") as f:
        f.write(R_SCRIPT)
    subprocess.run(["Rscript", path, tmp], check=True)
    return {n[:-4]: pd.read_csv(os.path.join(tmp, n)) for n in os.listdir(tmp) if n.endswith(".csv")}


# ----------------------------------------------------------------------------------------------
# Diagnostics: what a statistician looks at before choosing a loss.

def diagnostics(df, target, drop):
    y = df[target]
    X = df.drop(columns=[target, *drop])
    X = pd.get_dummies(X, drop_first=True).astype(float)
    n, p = X.shape
    d = {"n": int(n), "p_after_dummies": int(p)}
    yn = pd.to_numeric(y, errors="coerce")
    if y.dtype == object or yn.nunique() <= 2 or (target in BINARY_OR_CLASS):
        counts = y.astype(str).value_counts()
        d["classes"] = {k: int(v) for k, v in counts.items()}
        d["minority_share"] = round(float(counts.min() / counts.sum()), 4)
        return d
    d.update({
        "mean": round(float(yn.mean()), 4), "sd": round(float(yn.std()), 4),
        "min": round(float(yn.min()), 4), "median": round(float(yn.median()), 4),
        "max": round(float(yn.max()), 4),
        "zero_share": round(float(np.mean(yn == 0)), 4), "distinct": int(yn.nunique()),
        "all_integer": bool(np.all(yn == np.round(yn))),
        "skew": round(float(st.skew(yn)), 3), "excess_kurtosis": round(float(st.kurtosis(yn)), 3),
        "var_over_mean": round(float(yn.var() / yn.mean()), 3) if yn.mean() > 0 else None,
    })
    Xc = sm.add_constant(X, has_constant="add")
    m = sm.OLS(yn, Xc).fit()
    inf = OLSInfluence(m)
    h = inf.hat_matrix_diag
    cook = inf.cooks_distance[0]
    t = inf.resid_studentized_external
    bp = het_breuschpagan(m.resid, Xc)
    d.update({
        "ols_r2": round(float(m.rsquared), 4),
        "ols_resid_excess_kurtosis": round(float(st.kurtosis(m.resid)), 3),
        "breusch_pagan_lm": round(float(bp[0]), 3), "breusch_pagan_p": float(f"{bp[1]:.3g}"),
        "high_hat_rows": [int(i) + 1 for i in np.where(h > 2 * (p + 1) / n)[0]][:25],
        "max_cook": round(float(cook.max()), 4), "max_cook_row": int(cook.argmax()) + 1,
        "cook_gt_4_over_n_rows": [int(i) + 1 for i in np.where(cook > 4 / n)[0]][:25],
        "abs_studentized_gt_3_rows": [int(i) + 1 for i in np.where(np.abs(t) > 3)[0]][:25],
    })
    return d


BINARY_OR_CLASS = set()

# ----------------------------------------------------------------------------------------------
# The cases. `make` returns the DataFrame written to the CSV (in row order).


def E(task, shape, loss, metric, acceptable=None, drop=(), bad=(), time=False, cv="kfold",
      warn=(), handling="", secondary=()):
    return {"task": task, "target_shape": shape, "loss_family": loss,
            "acceptable_losses": list(acceptable or [loss]), "metric": metric,
            "secondary_metrics": list(secondary), "drop_columns": list(drop),
            "bad_leverage_rows": list(bad), "time_ordered": time, "cv": cv,
            "warnings_expected": list(warn), "special_handling": handling}


def real_cases(R):
    cases = []

    def add(file, df, target, source, what, expert, reason, prov):
        cases.append(dict(file=file, df=df, target=target, kind="real", source=source,
                          what_it_tests=what, expert=expert, reason=reason, provenance=prov))

    # 1. Clean continuous regression.
    d = skd.load_diabetes(as_frame=True, scaled=False).frame.rename(columns={"target": "progression"})
    add("real_diabetes.csv", d, "progression", "sklearn.datasets.load_diabetes(scaled=False)",
        ["clean_continuous_regression", "feature_coded_1_2_is_not_target"],
        E("regression", "continuous", "mse", "rmse", ["mse", "mse_or_huber", "huber"], secondary=["mae"],
          handling="none; sex (1/2) is a feature, not a label"),
        "Disease progression (25-346, skew 0.44, excess kurtosis -0.89) is well described by a linear "
        "model with near-Gaussian residuals (residual excess kurtosis -0.27, no |t|>3 rows, max Cook 0.025); "
        "Breusch-Pagan p=0.004 is mild, so plain least squares scored by RMSE.",
        "Efron, Hastie, Johnstone & Tibshirani (2004) 'Least Angle Regression', Ann. Statist.; "
        "bundled with scikit-learn (BSD-3-Clause). Unscaled version; column `target` renamed `progression`.")

    # 2. Hawkins-Bradu-Kass: masked bad leverage points.
    d = R["hbk"].drop(columns=["rowname"])
    add("real_hbk.csv", d, "Y", "robustbase::hbk",
        ["bad_leverage", "masking", "good_leverage_not_outliers"],
        E("regression", "continuous", "high_breakdown (mm)", "mae",
          ["high_breakdown (mm)", "lts", "mm"], bad=list(range(1, 11)),
          warn=["bad_leverage", "masking"], secondary=["rmse_on_clean_rows"],
          handling="MM/LTS fit; flag rows 1-10 for inspection; rows 11-14 are good leverage points; "
                   "Huber/L1 do not protect against leverage"),
        "Rows 1-10 are bad leverage points that mask each other: OLS flags only 11-14 (hat > 2p/n, max Cook "
        "2.11 at row 14) while an MM fit gives them weight 0 and they lie beyond the MCD robust distance "
        "cut-off; only a high-breakdown fit recovers the slopes of the bulk (MM coefficients near 0).",
        "Hawkins, Bradu & Kass (1984) Technometrics 26, 197-208; Rousseeuw & Leroy (1987). "
        "R package robustbase (GPL >= 2). Row names dropped; no other change.")

    # 3. Stars CYG OB1: four giants.
    d = R["starsCYG"].drop(columns=["rowname"])
    add("real_starsCYG.csv", d, "log.light", "robustbase::starsCYG",
        ["bad_leverage", "slope_sign_flipped_by_outliers"],
        E("regression", "continuous", "high_breakdown (mm)", "mae", ["high_breakdown (mm)", "lts", "mm"],
          bad=[11, 20, 30, 34], warn=["bad_leverage"], secondary=["rmse_on_clean_rows"],
          handling="MM/LTS fit; rows 11, 20, 30, 34 are red giants (rows 7 and 9 are borderline)"),
        "The four red giants (rows 11, 20, 30, 34; low log.Te) pull the OLS slope to -0.41 (R^2 0.04) while "
        "the main sequence has slope +2.25 under MM (LTS +3.05, also rejecting 7 and 9); Huber/L1 "
        "cannot undo leverage, a high-breakdown fit can.",
        "Rousseeuw & Leroy (1987) Robust Regression and Outlier Detection (data from Humphreys 1978). "
        "R package robustbase (GPL >= 2). Row names (star index) dropped.")

    # 4. State crime with DC: an ID column and one bad leverage point.
    d = smd.statecrime.load_pandas().data.reset_index().drop(columns=["violent"])
    add("real_statecrime.csv", d, "murder", "statsmodels.datasets.statecrime",
        ["bad_leverage", "id_column_string", "positive_skewed_by_one_row"],
        E("regression", "continuous", "high_breakdown (mm)", "mae", ["high_breakdown (mm)", "mm", "lts"],
          drop=["state"], bad=[9], warn=["id_column", "bad_leverage", "tiny_n"],
          secondary=["rmse_on_clean_rows"],
          handling="drop state; MM fit; inspect District of Columbia (row 9)"),
        "District of Columbia (row 9) has murder 24.2 against a median of 4.7, lies far out in single/white/"
        "urban, and has Cook's distance 3.81 (OLS R^2 0.82); an MM fit gives it weight 0 and changes every slope "
        "(intercept -47.7 OLS vs -8.1 MM). `state` is a unique name per row and must be dropped.",
        "US Census / FBI UCR 2009 state figures as distributed with statsmodels (public domain data, "
        "statsmodels BSD-3). Index `state` written as a column; column `violent` removed because the violent "
        "crime rate contains the murder rate (target leakage).")

    # 5. Scottish hill races.
    d = R["hills"].rename(columns={"rowname": "race"})
    add("real_hills.csv", d, "time", "MASS::hills",
        ["y_outlier", "bad_leverage", "id_column_string", "heavy_tailed_residuals"],
        E("regression", "continuous", "high_breakdown (mm)", "mae", ["high_breakdown (mm)", "mm", "lts"],
          drop=["race"], bad=[7, 33], warn=["id_column", "outliers", "bad_leverage", "tiny_n"],
          secondary=["rmse_on_clean_rows"],
          handling="drop race; MM fit; row 18 (Knock Hill, 78.65 min for 3 miles) is a recording error; "
                   "rows 7 (Bens of Jura) and 33 (Two Breweries) are long races with large residuals"),
        "OLS residuals have excess kurtosis 11: Knock Hill (row 18) is a vertical outlier (a known recording "
        "error) and Bens of Jura (row 7, Cook 1.89) with Two Breweries (33) are leverage points that MM "
        "down-weights; with n=35 a high-breakdown fit, not Huber, is what protects the climb slope.",
        "Atkinson (1986) Statistical Science 1, 397-402; Venables & Ripley (2002) MASS, 4th ed. "
        "R package MASS (GPL-2|3). Row names written as column `race`.")

    # 6. Stack loss: tiny n, outliers.
    d = R["stackloss"].drop(columns=["rowname"])
    add("real_stackloss.csv", d, "stack.loss", "datasets::stackloss",
        ["tiny_n", "outliers", "counts_like_integer_but_continuous"],
        E("regression", "continuous", "huber", "mae", ["huber", "l1", "high_breakdown (mm)", "mm"],
          bad=[1, 3, 4, 21], cv="loo_or_repeated_kfold", warn=["tiny_n", "outliers"],
          handling="robust fit (Huber/L1 or MM); rows 1, 3, 4, 21 outlying; leave-one-out CV"),
        "n=21 with 3 regressors; LTS rejects rows 1, 3, 4, 21 and MM gives row 21 weight 0 (|t|>3, Cook 0.69). "
        "These are mainly vertical outliers, so a bounded-influence loss (Huber/L1, the classical L1 example) "
        "is adequate; integers 7-42 are a measurement (percent x10 of ammonia lost), not counts.",
        "Brownlee (1965) Statistical Theory and Methodology in Science and Engineering; R datasets (GPL). "
        "No change besides dropping row names.")

    # 7. Engel food expenditure: heteroscedastic.
    d = smd.engel.load_pandas().data[["income", "foodexp"]]
    add("real_engel.csv", d, "foodexp", "statsmodels.datasets.engel",
        ["heteroscedastic", "not_outliers"],
        E("regression", "positive_skewed", "gamma", "rmse", ["gamma", "mse_log_target", "weighted_mse", "mse"],
          warn=["heteroscedastic"], secondary=["mean_bias"],
          handling="model the variance (log-log fit, gamma/log link, or WLS); large residuals at high income "
                   "are variance, not contamination"),
        "Breusch-Pagan LM 109 (p=1e-25): the spread of food expenditure grows with income (235 households, "
        "skew 1.71); the large residuals at high income (Cook 9.3 at row 138) are the variance function, "
        "so model it (log-log / gamma log link / weights) rather than down-weight them with Huber.",
        "Engel (1857) Belgian working-class households; Koenker & Bassett (1982) Econometrica; "
        "statsmodels (BSD-3). No change.")

    # 8. Fair affairs: zero-heavy continuous.
    f = smd.fair.load_pandas().data
    idx = np.sort(np.random.default_rng(20240801).choice(len(f), 4000, replace=False))
    d = f.iloc[idx].reset_index(drop=True)
    add("real_fair_affairs.csv", d, "affairs", "statsmodels.datasets.fair",
        ["zero_heavy", "heavy_right_tail", "ordinal_features"],
        E("regression", "zero_heavy", "tweedie", "tweedie_deviance", ["tweedie", "hurdle", "poisson"],
          warn=["zero_heavy", "heavy_tailed"], secondary=["rmse", "mae"],
          handling="Tweedie (1<p<2) with log link, or a hurdle model; not MSE on the raw target"),
        "68% of the women report 0; the positive part is continuous (time spent, up to 39.2 in this sample) with skew 7.9, "
        "so the distribution is a point mass at zero plus a skewed positive part: a compound Poisson-gamma "
        "(Tweedie) log-link model scored by Tweedie deviance; OLS explains 6%.",
        "Fair (1978) J. Political Economy 86, 45-61 (Redbook survey 1974); statsmodels (BSD-3). "
        "A seeded random sample of 4000 of the 6366 rows (numpy default_rng(20240801)), original order kept.")

    # 9. Fair rate_marriage: ordinal 1-5.
    idx = np.sort(np.random.default_rng(20240802).choice(len(f), 2000, replace=False))
    d = f.iloc[idx].drop(columns=["affairs"]).reset_index(drop=True)
    add("real_fair_rate_marriage.csv", d, "rate_marriage", "statsmodels.datasets.fair",
        ["ordinal_1_5", "not_counts"],
        E("regression", "ordinal", "mse_or_huber", "rmse", ["mse", "huber", "mse_or_huber", "ordinal_logit"],
          warn=["ordinal_scale"], secondary=["mae"],
          handling="ordinal 1-5 rating: regression (or ordinal logit), not Poisson; predictions clipped to 1-5"),
        "A 1-5 self-rating with 5 levels, mean 4.14, var/mean 0.22 (far under-dispersed for a count) and skew "
        "-1.05: an ordinal scale, so regression with squared error (or an ordinal logit), never a count model.",
        "Fair (1978); statsmodels (BSD-3). Seeded random sample of 2000 rows (default_rng(20240802)); "
        "column `affairs` dropped.")

    # 10. quine: over-dispersed counts with zeros.
    d = R["quine"].drop(columns=["rowname"])
    add("real_quine.csv", d, "Days", "MASS::quine",
        ["counts_with_zeros", "overdispersed", "categorical_strings"],
        E("regression", "counts", "poisson", "poisson_deviance", ["poisson", "negative_binomial", "tweedie"],
          warn=["overdispersed", "categorical_strings"], secondary=["rmse"],
          handling="log-link count model; over-dispersion -> negative binomial / quasi-Poisson errors; "
                   "one-hot Eth, Sex, Age, Lrn"),
        "Days absent are counts 0-81 (6% zeros) with variance/mean 16: a log-link count model "
        "(negative binomial, Venables & Ripley's classic example) scored by Poisson deviance; MSE would be "
        "dominated by the few long absences.",
        "Quine (1975), Aitkin (1978) JRSS A; Venables & Ripley (2002) MASS. R package MASS (GPL-2|3). "
        "Row names dropped.")

    # 11. InsectSprays: counts with zeros, categorical treatment.
    d = R["InsectSprays"].drop(columns=["rowname"])
    add("real_insectsprays.csv", d, "count", "datasets::InsectSprays",
        ["counts_with_zeros", "categorical_string_only_feature", "variance_grows_with_mean"],
        E("regression", "counts", "poisson", "poisson_deviance", ["poisson", "negative_binomial"],
          warn=["categorical_strings"], secondary=["rmse"],
          handling="one-hot spray; Poisson log link (within-spray variance grows with the mean)"),
        "Insect counts 0-26 (2 zeros) by spray A-F; Breusch-Pagan p=0.001 on the one-hot fit because the "
        "variance grows with the mean, exactly the Poisson mean-variance relation: Poisson log link, "
        "Poisson deviance.",
        "Beall (1942) Biometrika 32, 243-262; R datasets (GPL). Row names dropped.")

    # 12. RAND HIE doctor visits.
    h = smd.randhie.load_pandas().data
    idx = np.sort(np.random.default_rng(20240803).choice(len(h), 4000, replace=False))
    d = h.iloc[idx].reset_index(drop=True)
    add("real_randhie_mdvis.csv", d, "mdvis", "statsmodels.datasets.randhie",
        ["counts_with_zeros", "overdispersed", "heavy_right_tail"],
        E("regression", "counts", "poisson", "poisson_deviance", ["poisson", "negative_binomial", "tweedie"],
          warn=["overdispersed"], secondary=["rmse", "mae"],
          handling="Poisson/NB log link; heavy tail -> robust (sandwich) standard errors"),
        "Doctor visits are counts 0-77 with 32% zeros and variance/mean 7.1 (skew 5.7): an over-dispersed count "
        "(negative binomial / quasi-Poisson, as in Cameron & Trivedi) scored by Poisson deviance.",
        "RAND Health Insurance Experiment as in Cameron & Trivedi (1998) Regression Analysis of Count Data; "
        "statsmodels (BSD-3). Seeded random sample of 4000 of the 20190 rows (default_rng(20240803)).")

    # 13. warpbreaks: counts without zeros.
    d = R["warpbreaks"].drop(columns=["rowname"])
    add("real_warpbreaks.csv", d, "breaks", "datasets::warpbreaks",
        ["counts_no_zeros", "overdispersed", "categorical_strings"],
        E("regression", "counts_no_zeros", "poisson", "poisson_deviance", ["poisson", "negative_binomial"],
          warn=["overdispersed", "categorical_strings"], secondary=["rmse"],
          handling="one-hot wool, tension; quasi-Poisson/NB for var/mean 6"),
        "Breaks per loom are counts 10-70 (no zeros, var/mean 6.2) by wool and tension: still a count, so "
        "a log-link Poisson (quasi-Poisson/NB for the over-dispersion) scored by Poisson deviance; the absence "
        "of zeros does not make it continuous.",
        "Tippett (1950) Technological Applications of Statistics; R datasets (GPL). Row names dropped.")

    # 14. Capital punishment: tiny n, counts without zeros, one influential state.
    d = smd.cpunish.load_pandas().data
    add("real_cpunish.csv", d, "EXECUTIONS", "statsmodels.datasets.cpunish",
        ["tiny_n", "counts_no_zeros", "influential_row"],
        E("regression", "counts_no_zeros", "poisson", "poisson_deviance", ["poisson", "negative_binomial"],
          cv="loo_or_repeated_kfold", warn=["tiny_n", "overdispersed"], secondary=["mae"],
          handling="Poisson log link; n=17 with 6 regressors -> LOO/repeated CV, strong regularisation; "
                   "row 1 (Texas, 37) dominates"),
        "Executions per state 1-37 (median 1, var/mean 17) in only 17 states with 6 regressors; row 1 "
        "(Texas) has Cook 2.58 under OLS. A count model (Poisson log link, as in the statsmodels GLM example) "
        "with leave-one-out CV; no zeros because only executing states are included.",
        "Death Penalty Information Center, 1997 executions, as in statsmodels (BSD-3). No change.")

    # 15. ANES 1996 party identification: ordinal 0-6.
    d = smd.anes96.load_pandas().data
    add("real_anes96_pid.csv", d, "PID", "statsmodels.datasets.anes96",
        ["ordinal_0_6", "not_counts", "duplicate_transformed_feature"],
        E("regression", "ordinal", "mse_or_huber", "rmse", ["mse", "huber", "mse_or_huber", "ordinal_logit"],
          warn=["ordinal_scale"], secondary=["mae"],
          handling="7-point scale: regression (or ordinal logit), not Poisson although 21% are 0; "
                   "logpopul duplicates popul"),
        "Party identification is a 7-point scale 0 (strong Democrat) to 6 (strong Republican): mean 2.84, "
        "21% zeros, excess kurtosis -1.57 (flat, bimodal), var/mean 1.8; the zeros are a scale end, not "
        "absence, so regression with squared error (or an ordinal logit), scored by RMSE.",
        "American National Election Studies 1996 as in statsmodels (BSD-3). No change.")

    # 16. Mammals: positive skewed, power law, ID column.
    d = R["mammals"].rename(columns={"rowname": "species"})
    add("real_mammals.csv", d, "brain", "MASS::mammals",
        ["positive_skewed", "id_column_string", "leverage_is_a_scale_artefact"],
        E("regression", "positive_skewed", "gamma", "rmse", ["gamma", "mse_log_target", "msle"],
          drop=["species"], warn=["id_column", "positive_skewed"], secondary=["mean_bias", "rmsle"],
          handling="drop species; log-log (power law) or gamma with log link and log(body); the elephants' "
                   "raw-scale leverage disappears on the log scale"),
        "Brain weight 0.14-5712 g (skew 4.95, excess kurtosis 24) follows a power law in body weight; on the "
        "raw scale the two elephants (rows 19, 33; Cook 131) dominate OLS, on the log scale they fit; gamma/log "
        "link or a log target, judged by RMSE on the original scale plus the mean bias of back-transformation.",
        "Allison & Cicchetti (1976) Science 194, 732-734; Venables & Ripley (2002) MASS. R package MASS "
        "(GPL-2|3). Row names written as column `species`.")

    # 17. airquality: time-ordered daily data, positive skewed.
    a = R["airquality"].drop(columns=["rowname"])
    a.insert(0, "date", pd.to_datetime(dict(year=1973, month=a.Month, day=a.Day)).dt.strftime("%Y-%m-%d"))
    d = a.dropna().reset_index(drop=True)
    add("real_airquality.csv", d, "Ozone", "datasets::airquality",
        ["time_ordered_date_column", "positive_skewed", "rows_dropped_for_missing"],
        E("regression", "positive_skewed", "gamma", "rmse", ["gamma", "mse_log_target", "poisson"],
          drop=["date"], time=True, cv="forward_chaining", warn=["time_ordered", "positive_skewed"],
          secondary=["mean_bias", "mae"],
          handling="forward-chaining folds in date order; log link or log target (Ozone is positive, skew 1.25)"),
        "Daily New York ozone May-September 1973 (111 complete days) is positive (1-168 ppb, skew 1.25, "
        "OLS residual kurtosis 3.7) and serially dependent, so a log-link/gamma fit judged by RMSE on the "
        "original scale, with forward-chaining folds rather than shuffled k-fold.",
        "New York State Dept. of Conservation / National Weather Service; Chambers et al. (1983) Graphical "
        "Methods for Data Analysis; R datasets (GPL). Added ISO `date` column (1973-MM-DD) from Month/Day; "
        "42 rows with a missing Ozone or Solar.R dropped (153 -> 111).")

    # 18. Longley: tiny n, collinear, yearly.
    d = smd.longley.load_pandas().data
    add("real_longley.csv", d, "TOTEMP", "statsmodels.datasets.longley",
        ["tiny_n", "time_ordered_year_column", "extreme_collinearity"],
        E("regression", "continuous", "mse", "rmse", ["mse", "mse_or_huber"],
          time=True, cv="forward_chaining", warn=["tiny_n", "time_ordered", "collinearity"],
          handling="ridge-type penalty; forward-chaining or leave-one-out; standardise features"),
        "Sixteen yearly rows 1947-1962 with 6 almost collinear regressors (OLS R^2 0.995, no outliers, "
        "Breusch-Pagan p=0.87): squared error with a ridge penalty, evaluated in time order.",
        "Longley (1967) JASA 62, 819-841; statsmodels (BSD-3). No change.")

    # 19. US macro data: quarterly time series.
    d = smd.macrodata.load_pandas().data
    add("real_macrodata_unemp.csv", d, "unemp", "statsmodels.datasets.macrodata",
        ["time_ordered_year_quarter", "autocorrelated", "trending_regressors"],
        E("regression", "continuous", "mse", "rmse", ["mse", "mse_or_huber", "huber"],
          bad=[1], time=True, cv="forward_chaining", warn=["time_ordered", "bad_leverage"], secondary=["mae"],
          handling="forward-chaining folds (1959Q1-2009Q3); row 1 has placeholder infl = realint = 0 "
                   "(no previous quarter): drop it; trending regressors -> beware spurious fit"),
        "Quarterly unemployment 1959-2009 (203 rows, year and quarter columns; 3.4-10.7, residual kurtosis 0.08) "
        "is a smooth, autocorrelated series on trending macro aggregates: squared error with forward-chaining "
        "folds. Row 1 carries placeholder zeros for infl and realint and has Cook's distance 66: drop it.",
        "US Federal Reserve / BEA / BLS series as distributed with statsmodels (public domain, BSD-3). No change.")

    # 20. foodstamp: imbalanced binary, skewed income.
    d = R["foodstamp"].drop(columns=["rowname"])
    BINARY_OR_CLASS.add("participation")
    add("real_foodstamp.csv", d, "participation", "robustbase::foodstamp",
        ["binary_imbalanced", "skewed_feature"],
        E("binary", "binary", "bce", "log_loss", ["bce", "bce_with_logits"],
          warn=["imbalanced"], secondary=["roc_auc", "pr_auc"],
          handling="plain logistic regression, threshold tuned on the KPI; log(income+1) feature"),
        "24 of 150 (16%) participate: a moderately imbalanced 0/1 outcome; logistic loss with proper "
        "scoring (log loss, ROC-AUC, PR-AUC) and a tuned threshold, no reweighting needed.",
        "Stefanski, Carroll & Ruppert (1986) Biometrika 73, 413-424; Künsch, Stefanski & Carroll (1989) JASA; "
        "R package robustbase (GPL >= 2). Row names dropped.")

    # 21. Pima Indians: yes/no coded binary.
    d = R["Pima.tr"].drop(columns=["rowname"])
    BINARY_OR_CLASS.add("type")
    add("real_pima_tr.csv", d, "type", "MASS::Pima.tr",
        ["binary_yes_no_strings"],
        E("binary", "binary", "bce", "log_loss", ["bce", "bce_with_logits"],
          warn=["label_coding"], secondary=["roc_auc"],
          handling="map No/Yes to 0/1; logistic regression"),
        "Diabetes type Yes/No (68 Yes of 200, 34%): a binary outcome coded as strings; logistic loss with "
        "log loss and ROC-AUC.",
        "Smith et al. (1988) / National Institute of Diabetes and Digestive and Kidney Diseases; Ripley (1996) "
        "Pattern Recognition and Neural Networks; R package MASS (GPL-2|3). Row names dropped.")

    # 22. mtcars am: tiny n, separation, ID column.
    d = R["mtcars"].rename(columns={"rowname": "model"})
    BINARY_OR_CLASS.add("am")
    add("real_mtcars_am.csv", d, "am", "datasets::mtcars",
        ["binary_0_1", "tiny_n", "quasi_separation", "id_column_string"],
        E("binary", "binary", "bce", "log_loss", ["bce", "bce_with_logits"],
          drop=["model"], cv="loo_or_repeated_stratified_kfold",
          warn=["id_column", "tiny_n", "separation"], secondary=["roc_auc"],
          handling="drop model; L2-penalised logistic regression (gear separates am: gear 3 -> all 0, "
                   "gear 5 -> all 1)"),
        "Transmission (13 manual of 32) with 10 regressors and quasi-complete separation by gear (3 -> all 0, "
        "5 -> all 1): unpenalised logistic weights diverge, so BCE with an L2 penalty and log loss; "
        "`model` is a unique car name.",
        "Henderson & Velleman (1981) Biometrics 37, 391-411 (Motor Trend 1974); R datasets (GPL). "
        "Row names written as column `model`.")

    # 23. Wine: multiclass coded 0/1/2.
    d = skd.load_wine(as_frame=True).frame.rename(columns={"target": "cultivar"})
    BINARY_OR_CLASS.add("cultivar")
    add("real_wine.csv", d, "cultivar", "sklearn.datasets.load_wine",
        ["multiclass_integer_labels"],
        E("multiclass", "multiclass", "cross_entropy", "log_loss", ["cross_entropy", "softmax_focal"],
          cv="stratified_kfold", secondary=["accuracy"],
          handling="labels 0/1/2 are nominal cultivars, not a numeric scale; standardise features"),
        "Three cultivars coded 0, 1, 2 (59/71/48 wines): nominal classes, so softmax cross-entropy scored by "
        "log loss, not a regression on 0-2.",
        "Forina et al., PARVUS (1988); UCI Machine Learning Repository; bundled with scikit-learn (BSD-3). "
        "Column `target` renamed `cultivar`.")

    # 24. Forensic glass: imbalanced multiclass strings.
    d = R["fgl"].drop(columns=["rowname"])
    add("real_fgl.csv", d, "type", "MASS::fgl",
        ["multiclass_string_labels", "imbalanced_classes"],
        E("multiclass", "multiclass", "cross_entropy", "log_loss", ["cross_entropy", "softmax_focal"],
          cv="stratified_kfold", warn=["imbalanced"], secondary=["accuracy", "macro_f1"],
          handling="stratified folds: the smallest class (Tabl) has 9 rows"),
        "Six glass types with 9 to 76 fragments each: multiclass cross-entropy scored by log loss, with "
        "stratified folds because the smallest classes (Tabl 9, Con 13) would otherwise vanish from folds.",
        "Evett & Spiehler (1987), Home Office Forensic Science Service; Ripley (1996); R package MASS "
        "(GPL-2|3). Row names dropped.")
    return cases


# ----------------------------------------------------------------------------------------------
# Synthetic cases.

def synthetic_cases():
    cases = []

    def add(file, df, target, seed, what, expert, reason, note):
        cases.append(dict(file=file, df=df, target=target, kind="synthetic",
                          source=f"tools/export_advice_corpus.py, numpy default_rng({seed})",
                          what_it_tests=what, expert=expert, reason=reason, provenance=note))

    def feats(rng, n, p):
        return pd.DataFrame(rng.normal(size=(n, p)), columns=[f"x{j + 1}" for j in range(p)])

    # s01 clean Gaussian linear.
    rng = np.random.default_rng(101)
    X = feats(rng, 300, 5)
    X["y"] = 1.5 + X @ np.array([2.0, -1.0, 0.5, 0.0, 1.0]) + rng.normal(0, 1.0, 300)
    add("syn_gaussian_linear.csv", X, "y", 101, ["clean_continuous_regression"],
        E("regression", "continuous", "mse", "rmse", ["mse", "mse_or_huber"], secondary=["mae"]),
        "Linear signal with N(0,1) noise: least squares is the maximum-likelihood, efficient choice; RMSE.",
        "n=300, x ~ N(0, I5), y = 1.5 + 2x1 - x2 + 0.5x3 + x5 + N(0,1).")

    # s02 Student-t(2) noise.
    rng = np.random.default_rng(102)
    X = feats(rng, 300, 4)
    X["y"] = 0.5 + X @ np.array([1.0, 2.0, -1.0, 0.5]) + rng.standard_t(2, 300)
    add("syn_student_t2.csv", X, "y", 102, ["heavy_tailed_noise", "vertical_outliers"],
        E("regression", "continuous", "huber", "mae", ["huber", "l1", "log_cosh", "smooth_l1", "cauchy", "tukey"],
          warn=["heavy_tailed", "outliers"], secondary=["median_absolute_error"],
          handling="bounded-influence loss (Huber with delta from a robust scale, or L1)"),
        "Student-t(2) noise has infinite variance: least squares is inefficient and RMSE is unstable, so a "
        "Huber (or L1) loss scored by MAE; x is Gaussian, so there is no leverage problem.",
        "n=300, x ~ N(0, I4), y = 0.5 + x1 + 2x2 - x3 + 0.5x4 + t(2).")

    # s03 bad leverage points.
    rng = np.random.default_rng(103)
    n = 100
    X = feats(rng, n, 2)
    y = 1.0 + 2.0 * X.x1 - 1.0 * X.x2 + rng.normal(0, 0.5, n)
    bad = np.sort(rng.choice(n, 5, replace=False))
    X.loc[bad, "x1"] = rng.normal(10.0, 0.5, 5)
    X.loc[bad, "x2"] = rng.normal(0.0, 0.5, 5)
    y[bad] = rng.normal(-15.0, 1.0, 5)   # the true line gives about +21 there
    X["y"] = y
    add("syn_bad_leverage.csv", X, "y", 103, ["bad_leverage"],
        E("regression", "continuous", "high_breakdown (mm)", "mae", ["high_breakdown (mm)", "mm", "lts"],
          bad=[int(i) + 1 for i in bad], warn=["bad_leverage"], secondary=["rmse_on_clean_rows"],
          handling="MM/LTS fit and inspection of the flagged rows; Huber/L1 still follow the leverage points"),
        f"Five rows ({', '.join(str(int(i) + 1) for i in bad)}) sit at x1 near 10 (about 10 SD out) with y near "
        "-15 where the line gives +21: they pull any M-estimator (Huber, L1) as hard as OLS, so a "
        "high-breakdown MM fit is required.",
        "n=100, x ~ N(0, I2), y = 1 + 2x1 - x2 + N(0, 0.5^2); 5 random rows moved to x1 ~ N(10, 0.5^2), "
        "x2 ~ N(0, 0.5^2), y ~ N(-15, 1).")

    # s04 heteroscedastic.
    rng = np.random.default_rng(104)
    n = 400
    x1 = rng.uniform(0.5, 10.0, n)
    x2 = rng.normal(0, 1, n)
    y = 5.0 + 3.0 * x1 + 1.0 * x2 + rng.normal(0, 1, n) * 0.6 * x1
    X = pd.DataFrame({"x1": x1, "x2": x2, "y": y})
    add("syn_heteroscedastic.csv", X, "y", 104, ["heteroscedastic", "not_outliers"],
        E("regression", "continuous", "mse", "rmse", ["mse", "weighted_mse", "gaussian_nll", "mse_or_huber"],
          warn=["heteroscedastic"], secondary=["mae"],
          handling="noise SD proportional to x1: weighted least squares (weights 1/x1^2) or a variance model; "
                   "the big residuals at large x1 are not outliers"),
        "Noise SD = 0.6*x1 grows twentyfold across the range: the mean is still linear, so squared error (ideally "
        "weighted by 1/x1^2 or with a modelled variance) and RMSE; Huber would wrongly treat high-x1 rows as outliers.",
        "n=400, x1 ~ U(0.5, 10), x2 ~ N(0,1), y = 5 + 3x1 + x2 + 0.6*x1*N(0,1).")

    # s05 zero-heavy (compound Poisson-gamma).
    rng = np.random.default_rng(105)
    n = 1000
    X = feats(rng, n, 3)
    lam = np.exp(-1.0 + 0.5 * X.x1 - 0.3 * X.x2)
    k = rng.poisson(lam)
    y = np.array([rng.gamma(2.0, 50.0, m).sum() if m else 0.0 for m in k])
    X["claim"] = y
    add("syn_zero_heavy.csv", X, "claim", 105, ["zero_heavy", "positive_part_skewed"],
        E("regression", "zero_heavy", "tweedie", "tweedie_deviance", ["tweedie", "hurdle"],
          warn=["zero_heavy"], secondary=["rmse", "mae"],
          handling="Tweedie 1<p<2 with log link (compound Poisson-gamma)"),
        f"{np.mean(y == 0):.0%} exact zeros and a gamma-distributed positive part (an insurance-claim shape): a "
        "Tweedie log-link model with 1<p<2, scored by Tweedie deviance.",
        "n=1000, x ~ N(0, I3), N ~ Poisson(exp(-1.0 + 0.5x1 - 0.3x2)), claim = sum of N Gamma(shape 2, scale 50).")

    # s06 negative binomial counts with zeros.
    rng = np.random.default_rng(106)
    n = 800
    X = feats(rng, n, 3)
    mu = np.exp(1.0 + 0.6 * X.x1 - 0.4 * X.x3)
    theta = 1.5
    X["count"] = rng.negative_binomial(theta, theta / (theta + mu))
    add("syn_negbin_counts.csv", X, "count", 106, ["counts_with_zeros", "overdispersed"],
        E("regression", "counts", "poisson", "poisson_deviance", ["poisson", "negative_binomial", "tweedie"],
          warn=["overdispersed"], secondary=["rmse"],
          handling="log link; over-dispersion (NB, theta 1.5) -> negative binomial or quasi-Poisson errors"),
        f"Negative-binomial counts (theta 1.5, {np.mean(X['count'] == 0):.0%} zeros, variance/mean "
        f"{X['count'].var() / X['count'].mean():.1f}): a log-link count model, Poisson deviance; the mean "
        "structure is right for Poisson, only the variance is larger.",
        "n=800, x ~ N(0, I3), mu = exp(1 + 0.6x1 - 0.4x3), count ~ NB(mean mu, size 1.5).")

    # s07 counts without zeros.
    rng = np.random.default_rng(107)
    n = 500
    X = feats(rng, n, 3)
    X["visits"] = 1 + rng.poisson(np.exp(1.95 + 0.3 * X.x1 + 0.2 * X.x2))
    add("syn_counts_no_zeros.csv", X, "visits", 107, ["counts_no_zeros"],
        E("regression", "counts_no_zeros", "poisson", "poisson_deviance", ["poisson", "negative_binomial"],
          secondary=["rmse"], handling="Poisson log link (on y, or on y-1 as a shifted count)"),
        f"1 + Poisson counts (mean {X['visits'].mean():.1f}, minimum {X['visits'].min()}, no zeros): still "
        "counts with variance tied to the mean, so Poisson log link and Poisson deviance.",
        "n=500, x ~ N(0, I3), visits = 1 + Poisson(exp(1.95 + 0.3x1 + 0.2x2)).")

    # s08 ordinal 0-6.
    rng = np.random.default_rng(108)
    n = 600
    X = feats(rng, n, 4)
    latent = X @ np.array([1.0, 0.7, -0.5, 0.0]) + rng.logistic(0, 1, n)
    cuts = np.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5])
    X["rating"] = np.searchsorted(cuts, latent)
    add("syn_ordinal_0_6.csv", X, "rating", 108, ["ordinal_0_6", "not_counts"],
        E("regression", "ordinal", "mse_or_huber", "rmse", ["mse", "huber", "mse_or_huber", "ordinal_logit"],
          warn=["ordinal_scale"], secondary=["mae"],
          handling="7-level ordinal (cumulative logit latent): regression on the scale or ordinal logit"),
        "A 0-6 rating from a cumulative-logit latent variable with equally spaced cut points: integer and "
        "non-negative but bounded and not a count, so regression with squared error (or an ordinal logit), RMSE.",
        "n=600, x ~ N(0, I4), latent = x1 + 0.7x2 - 0.5x3 + Logistic(0,1), cut at -2.5, -1.5, ..., 2.5.")

    # s09 log-normal.
    rng = np.random.default_rng(109)
    n = 500
    X = feats(rng, n, 3)
    X["price"] = np.exp(3.0 + 0.6 * X.x1 - 0.4 * X.x2 + rng.normal(0, 0.8, n))
    add("syn_lognormal.csv", X, "price", 109, ["positive_skewed", "multiplicative_noise"],
        E("regression", "positive_skewed", "gamma", "rmse", ["gamma", "mse_log_target", "msle"],
          warn=["positive_skewed"], secondary=["mean_bias", "rmsle"],
          handling="gamma/log link, or MSE on log(y) with smearing correction; score on the original scale"),
        f"log(price) is linear with N(0, 0.8^2) noise, so price is log-normal (skew {st.skew(X['price']):.1f}): "
        "gamma with log link or a log target; RMSE on the original scale plus mean bias, because a naive "
        "exp(log-prediction) underestimates the mean by about exp(0.32).",
        "n=500, x ~ N(0, I3), price = exp(3 + 0.6x1 - 0.4x2 + N(0, 0.8^2)).")

    # s10 imbalanced binary 1:20.
    rng = np.random.default_rng(110)
    n = 2100
    X = feats(rng, n, 5)
    eta = -3.9 + 1.2 * X.x1 - 0.8 * X.x2 + 0.5 * X.x3
    X["fraud"] = (rng.uniform(size=n) < 1 / (1 + np.exp(-eta))).astype(int)
    BINARY_OR_CLASS.add("fraud")
    add("syn_imbalanced_binary.csv", X, "fraud", 110, ["binary_imbalanced"],
        E("binary", "binary", "bce", "log_loss", ["bce", "bce_with_logits"], cv="stratified_kfold",
          warn=["imbalanced"], secondary=["pr_auc", "roc_auc"],
          handling="plain logistic loss, threshold tuned on the KPI; pos_weight/focal only if it wins on the KPI"),
        f"{X['fraud'].sum()} positives of {n} (about 1:{(n - X['fraud'].sum()) / X['fraud'].sum():.0f}) from a correctly "
        "specified logistic model: plain BCE is calibrated; judge by log loss and PR-AUC with stratified folds and "
        "move the threshold instead of reweighting.",
        "n=2100, x ~ N(0, I5), P(fraud) = logistic(-3.9 + 1.2x1 - 0.8x2 + 0.5x3).")

    # s11 ID columns.
    rng = np.random.default_rng(111)
    n = 250
    X = feats(rng, n, 3)
    X.insert(0, "customer", [f"C{i:05d}" for i in rng.permutation(np.arange(1, n + 1))])
    X.insert(0, "row_id", np.arange(10001, 10001 + n))
    X["spend"] = 50 + 10 * X.x1 + 5 * X.x2 + rng.normal(0, 5, n)
    add("syn_id_columns.csv", X, "spend", 111, ["id_column_string", "id_column_numeric"],
        E("regression", "continuous", "mse", "rmse", ["mse", "mse_or_huber"], drop=["row_id", "customer"],
          warn=["id_column"], secondary=["mae"], handling="drop row_id (unique integer sequence) and customer"),
        "row_id is the sequence 10001-10250 and customer a unique string per row: identifiers carry no "
        "information and row_id could leak row order; drop both and fit by least squares (Gaussian noise).",
        "n=250, x ~ N(0, I3), spend = 50 + 10x1 + 5x2 + N(0, 25); row_id 10001.., customer C00001.. permuted.")

    # s12 binary coded 1/2.
    rng = np.random.default_rng(112)
    n = 400
    X = feats(rng, n, 3)
    eta = 0.3 + 1.5 * X.x1 - 1.0 * X.x3
    X["group"] = 1 + (rng.uniform(size=n) < 1 / (1 + np.exp(-eta))).astype(int)
    BINARY_OR_CLASS.add("group")
    add("syn_binary_1_2.csv", X, "group", 112, ["binary_coded_1_2"],
        E("binary", "binary", "bce", "log_loss", ["bce", "bce_with_logits"], cv="stratified_kfold",
          warn=["label_coding"], secondary=["roc_auc"], handling="recode 1/2 to 0/1; logistic regression"),
        "Only the values 1 and 2 occur: a binary label with a 1/2 coding, so recode to 0/1 and use logistic "
        "loss, not a regression on {1, 2}.",
        "n=400, x ~ N(0, I3), group = 1 + Bernoulli(logistic(0.3 + 1.5x1 - x3)).")

    # s13 tiny n.
    rng = np.random.default_rng(113)
    n = 17
    X = feats(rng, n, 6)
    X["y"] = 2.0 + X @ np.array([1.5, -1.0, 0.0, 0.5, 0.0, 0.0]) + rng.normal(0, 1, n)
    add("syn_tiny_n17.csv", X, "y", 113, ["tiny_n"],
        E("regression", "continuous", "mse", "rmse", ["mse", "mse_or_huber"], cv="loo_or_repeated_kfold",
          warn=["tiny_n"], handling="ridge penalty; leave-one-out or repeated CV; no robust tuning on 17 rows"),
        "17 rows and 6 regressors (about 3 rows per parameter) with Gaussian noise: least squares with a ridge "
        "penalty and leave-one-out/repeated CV; too few rows to justify tuning a robust loss.",
        "n=17, x ~ N(0, I6), y = 2 + 1.5x1 - x2 + 0.5x4 + N(0,1).")

    # s14 time series: trend + AR(1).
    rng = np.random.default_rng(114)
    n = 240
    dates = pd.date_range("2005-01-01", periods=n, freq="MS").strftime("%Y-%m-%d")
    temp = 10 + 8 * np.sin(2 * np.pi * np.arange(n) / 12) + rng.normal(0, 1, n)
    promo = (rng.uniform(size=n) < 0.2).astype(int)
    e = np.zeros(n)
    for t in range(1, n):
        e[t] = 0.8 * e[t - 1] + rng.normal(0, 2)
    sales = 100 + 0.25 * np.arange(n) + 1.5 * temp + 8 * promo + e
    X = pd.DataFrame({"date": dates, "temp": temp, "promo": promo, "sales": sales})
    add("syn_time_series.csv", X, "sales", 114, ["time_ordered_date_column", "autocorrelated_noise", "trend"],
        E("regression", "continuous", "mse", "rmse", ["mse", "mse_or_huber"], drop=["date"], time=True,
          cv="forward_chaining", warn=["time_ordered"], secondary=["mae"],
          handling="forward-chaining folds by date; trend term from the date (not the raw string)"),
        "Monthly rows 2005-2024 with a linear trend and AR(1) noise (phi 0.8): shuffled k-fold leaks the future "
        "and understates error, so forward-chaining folds; Gaussian noise -> squared error, RMSE.",
        "n=240 months from 2005-01-01, sales = 100 + 0.25t + 1.5temp + 8promo + AR(1)(0.8, sd 2).")
    return cases


# ----------------------------------------------------------------------------------------------

def write_csv(df, path, synthetic):
    # Synthetic floats with five decimals; real data as stored (shortest round-trip form).
    text = df.to_csv(index=False, lineterminator="\n", float_format="%.5f" if synthetic else None)
    if re.search(r"\d[eE][-+]\d", text):
        raise SystemExit(f"{path}: a number in exponent notation")
    with open(path, "w", newline="") as f:
        f.write(text)


def main():
    os.makedirs(OUT, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        R = load_r(tmp)
    cases = real_cases(R) + synthetic_cases()
    entries, prov = [], []
    for c in cases:
        df = c["df"]
        if c["kind"] == "synthetic":
            df = df.copy()
            for col in df.columns:
                if df[col].dtype.kind == "f":
                    df[col] = df[col].round(5) + 0.0   # + 0.0 turns -0.0 into 0.0
        write_csv(df, os.path.join(OUT, c["file"]), c["kind"] == "synthetic")
        assert len(df) <= 5000, c["file"]
        assert df.isna().sum().sum() == 0, c["file"]
        entries.append({
            "file": c["file"], "target": c["target"], "kind": c["kind"], "source": c["source"],
            "rows": int(len(df)), "columns": list(map(str, df.columns)),
            "what_it_tests": c["what_it_tests"], "expert": c["expert"], "reason": c["reason"],
            "diagnostics": diagnostics(df, c["target"], c["expert"]["drop_columns"]),
        })
        prov.append((c, len(df)))
    with open(os.path.join(OUT, "corpus.json"), "w") as f:
        json.dump({"description": "LossLab advice corpus: data sets the advisor was not tuned on, with the "
                                  "expert choice written before running `losslab advise`. Row numbers are "
                                  "1-based data rows (the header is row 0).",
                   "generator": "tools/export_advice_corpus.py", "cases": entries}, f, indent=2, ensure_ascii=False)
        f.write("\n")
    lines = ["# Advice corpus: provenance", "",
             "Generated by `/usr/bin/python3 tools/export_advice_corpus.py` from data that ships inside "
             "statsmodels 0.13, scikit-learn 1.2 and R (datasets, MASS, robustbase 0.95); nothing is downloaded. "
             "Synthetic cases are seeded (numpy `default_rng`) and fully specified in the generator.", "",
             "Licences: statsmodels and scikit-learn are BSD-3-Clause; R's datasets is part of R (GPL-2|3); "
             "MASS is GPL-2|3; robustbase is GPL (>= 2). The data sets themselves are classic published "
             "teaching data; cite the original sources below when reusing them.", "",
             "| file | rows | source | original reference, licence, changes |", "|---|---:|---|---|"]
    for c, n in prov:
        lines.append(f"| `{c['file']}` | {n} | `{c['source']}` | {c['provenance']} Target `{c['target']}`. |")
    with open(os.path.join(OUT, "PROVENANCE.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    total = sum(os.path.getsize(os.path.join(OUT, c["file"])) for c in cases)
    print(f"{len(cases)} cases, {total / 1e6:.2f} MB of CSV", file=sys.stderr)


if __name__ == "__main__":
    main()
