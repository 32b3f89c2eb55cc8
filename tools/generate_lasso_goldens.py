#!/usr/bin/python3
"""Golden values for LossLab's lasso solver (src/LossLab/Solvers/LassoCoordinateDescent.cs).

Run with Debian's scikit-learn (python3-sklearn 1.2, with its numpy):

    /usr/bin/python3 tools/generate_lasso_goldens.py

Writes tests/LossLab.Tests/Goldens/lasso.json (relative to the repository root). Each case is a seeded
data set (numpy's default_rng) and one alpha, fitted by sklearn.linear_model.Lasso(alpha, fit_intercept=True,
selection='cyclic') twice: at sklearn's defaults (tol=1e-4, max_iter=1000) and tightly (tol=1e-12,
max_iter=100000). The features and targets are stored, so both sides fit the same numbers; weights are listed
in column order, the intercept separately. Nothing is random beyond the fixed seeds, so re-running produces
the identical file (up to the libraries' versions, which are recorded).
"""

import json
import os

import numpy as np
import sklearn
from sklearn.linear_model import Lasso


def sparse(seed, n, d, k, noise, correlation=0.0):
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n, d))
    if correlation:
        common = rng.standard_normal((n, 1))
        z = np.sqrt(1 - correlation) * z + np.sqrt(correlation) * common
    x = z * rng.uniform(0.5, 3.0, d) + rng.uniform(-2, 2, d)
    beta = np.zeros(d)
    beta[:k] = rng.choice([-1, 1], k) * rng.uniform(1, 3, k)
    y = 1.5 + x @ beta + noise * rng.standard_normal(n)
    return x, y


DATA = [
    ("sparse10", sparse(1, 60, 10, 3, 0.5)),
    ("correlated20", sparse(2, 100, 20, 5, 1.0, correlation=0.7)),
    ("wide40", sparse(3, 30, 40, 4, 0.3)),
]


def fit(x, y, alpha, tol, max_iter):
    m = Lasso(alpha=alpha, fit_intercept=True, tol=tol, max_iter=max_iter, selection="cyclic")
    m.fit(x, y)
    return m


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    cases = []
    for name, (x, y) in DATA:
        alpha_max = np.max(np.abs((x - x.mean(0)).T @ (y - y.mean()))) / len(y)
        for alpha in [0.01, 0.1, 0.5, round(1.01 * alpha_max, 6)]:
            default = fit(x, y, alpha, 1e-4, 1000)
            tight = fit(x, y, alpha, 1e-12, 100000)
            cases.append({
                "id": f"{name}-alpha{alpha:g}",
                "alpha": alpha,
                "rows": int(x.shape[0]),
                "columns": int(x.shape[1]),
                "x": [float(v) for v in x.ravel()],
                "y": [float(v) for v in y],
                "alpha_max": float(alpha_max),
                "default": {"weights": [float(v) for v in default.coef_], "intercept": float(default.intercept_),
                            "iterations": int(default.n_iter_)},
                "tight": {"weights": [float(v) for v in tight.coef_], "intercept": float(tight.intercept_),
                          "iterations": int(tight.n_iter_)},
            })
    out = {
        "generator": "tools/generate_lasso_goldens.py",
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "settings": "Lasso(alpha, fit_intercept=True, selection='cyclic'); default: tol=1e-4, max_iter=1000; tight: tol=1e-12, max_iter=100000",
        "objective": "(1/2n)||y - Xw - b||^2 + alpha*||w||_1, intercept unpenalised, features as given",
        "cases": cases,
    }
    path = os.path.join(root, "tests", "LossLab.Tests", "Goldens", "lasso.json")
    with open(path, "w") as f:
        json.dump(out, f)
        f.write("\n")


if __name__ == "__main__":
    main()
