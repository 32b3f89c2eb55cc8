#!/usr/bin/python3
"""Golden values for LossLab's evaluation metrics (src/LossLab.Lab/Training/Metrics.cs).

Run with Debian's scikit-learn and numpy (sklearn 1.2.x):

    /usr/bin/python3 tools/generate_metric_goldens.py

Writes tests/LossLab.Lab.Tests/Goldens/metrics.json (relative to the repository root). Inputs are
float32-exact (the lab's outputs and targets are float32); everything else is float64.

- regression: sklearn's mean_squared_error, mean_absolute_error, median_absolute_error, max_error,
  r2_score, mean_poisson_deviance and mean_gamma_deviance (cross-checked against mean_tweedie_deviance
  with power 1 and 2); mean_bias = mean(pred - y) by numpy. The deviances are listed only where the
  targets allow them (every y >= 0, every y > 0), and `absent` names the keys that must be missing.
  In the case `clipped` some predictions are <= 0: the deviances are sklearn's on
  mu = max(pred, 1e-6 * max(mean y, 1e-300)), the clip LossLab documents.
- binary (outputs are logits z, p = sigmoid(z)): roc_auc_score and average_precision_score on z,
  brier_score_loss and log_loss on p, accuracy_score, balanced_accuracy_score and f1_score on
  y_pred = p > threshold for each threshold listed, calibration_in_the_large = mean p - mean y by numpy.
- multiclass (N x C logits, softmax): accuracy_score, balanced_accuracy_score, log_loss; brier =
  mean over rows of sum_k (p_k - [y = k])^2 by numpy (scikit-learn 1.2 has no multi-class Brier score).

Everything is seeded, so re-running produces the identical file.
"""

import json
import os
import sys
import tempfile
import warnings
from collections import OrderedDict

import numpy as np
import sklearn
from sklearn import metrics as skm

warnings.filterwarnings("ignore")

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_PATH = os.path.join(REPO_ROOT, "tests", "LossLab.Lab.Tests", "Goldens", "metrics.json")

CASES = []


def f32(a):
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def sigmoid(z):
    return np.where(z >= 0, 1 / (1 + np.exp(-np.abs(z))), np.exp(-np.abs(z)) / (1 + np.exp(-np.abs(z))))


def regression_case(case_id, pred, y):
    pred, y = f32(pred), f32(y)
    expected = OrderedDict([
        ("mse", skm.mean_squared_error(y, pred)),
        ("rmse", float(np.sqrt(skm.mean_squared_error(y, pred)))),
        ("mae", skm.mean_absolute_error(y, pred)),
        ("median_ae", skm.median_absolute_error(y, pred)),
        ("max_error", skm.max_error(y, pred)),
        ("r2", skm.r2_score(y, pred)),
        ("pinball_0.5", skm.mean_pinball_loss(y, pred, alpha=0.5)),
        ("mean_bias", float(np.mean(pred - y))),
    ])
    absent = []
    mu = np.maximum(pred, 1e-6 * max(float(np.mean(y)), 1e-300))
    if np.all(y >= 0):
        dev = skm.mean_poisson_deviance(y, mu)
        assert abs(dev - skm.mean_tweedie_deviance(y, mu, power=1)) <= 1e-12 * (1 + abs(dev))
        expected["poisson_deviance"] = dev
        expected["tweedie_deviance"] = skm.mean_tweedie_deviance(y, mu, power=1.5)
    else:
        absent.append("poisson_deviance")
        absent.append("tweedie_deviance")
    if np.all(y > 0):
        dev = skm.mean_gamma_deviance(y, mu)
        assert abs(dev - skm.mean_tweedie_deviance(y, mu, power=2)) <= 1e-12 * (1 + abs(dev))
        expected["gamma_deviance"] = dev
    else:
        absent.append("gamma_deviance")
    CASES.append(OrderedDict([("id", case_id), ("task", "regression"), ("outputs", pred.tolist()),
                              ("targets", y.tolist()), ("expected", expected), ("absent", absent)]))


def binary_case(case_id, z, y, thresholds):
    z, y = f32(z), f32(y)
    assert 0 < y.sum() < len(y)
    p = sigmoid(z)
    expected = OrderedDict([
        ("roc_auc", skm.roc_auc_score(y, z)),
        ("pr_auc", skm.average_precision_score(y, z)),
        ("brier", skm.brier_score_loss(y, p)),
        ("log_loss", skm.log_loss(y, p)),
        ("calibration_in_the_large", float(np.mean(p) - np.mean(y))),
    ])
    by_threshold = OrderedDict()
    for t in thresholds:
        y_pred = (p > t).astype(np.float64)
        by_threshold[repr(t)] = OrderedDict([
            ("accuracy", skm.accuracy_score(y, y_pred)),
            ("balanced_accuracy", skm.balanced_accuracy_score(y, y_pred)),
            ("f1", skm.f1_score(y, y_pred, zero_division=0)),
        ])
    CASES.append(OrderedDict([("id", case_id), ("task", "binary"), ("outputs", z.tolist()), ("targets", y.tolist()),
                              ("expected", expected), ("thresholds", by_threshold)]))


def multiclass_case(case_id, logits, y, classes):
    logits, y = f32(logits).reshape(-1, classes), np.asarray(y, dtype=np.int64)
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    onehot = np.eye(classes)[y]
    expected = OrderedDict([
        ("accuracy", skm.accuracy_score(y, p.argmax(axis=1))),
        ("balanced_accuracy", skm.balanced_accuracy_score(y, p.argmax(axis=1))),
        ("log_loss", skm.log_loss(y, p, labels=list(range(classes)))),
        ("brier", float(np.mean(np.sum((p - onehot) ** 2, axis=1)))),
    ])
    CASES.append(OrderedDict([("id", case_id), ("task", "multiclass"), ("classes", classes),
                              ("outputs", logits.reshape(-1).tolist()), ("targets", y.astype(np.float64).tolist()),
                              ("expected", expected)]))


def main():
    rng = np.random.default_rng(20240611)

    # regression: positive skewed targets, counts with zeros, signed targets, and predictions <= 0 to clip
    y = rng.gamma(2.0, 3.0, 25)
    regression_case("regression_positive", y * np.exp(rng.normal(0, 0.4, 25)), y)
    y = rng.poisson(2.5, 30).astype(np.float64)
    regression_case("regression_counts_with_zeros", np.exp(rng.normal(np.log(2.5), 0.5, 30)), y)
    y = rng.normal(0, 2, 20)
    regression_case("regression_signed", y + rng.normal(0, 1, 20), y)
    y = rng.poisson(1.5, 16).astype(np.float64)
    y[0] = 2.0
    pred = y + rng.normal(0, 1.5, 16)
    pred[:3] = [-0.75, 0.0, 1e-9]
    regression_case("regression_clipped", pred, y)
    y = rng.gamma(1.5, 2.0, 12)
    pred = y + rng.normal(0, 1.0, 12)
    pred[4] = -0.5
    regression_case("regression_positive_clipped", pred, y)

    # binary: tied scores (rounded logits), an imbalanced set, and a perfectly separated one
    z = np.round(rng.normal(0, 1.5, 40) * 2) / 2
    y = (rng.random(40) < sigmoid(z)).astype(np.float64)
    binary_case("binary_ties", z, y, [0.5, 0.3, 0.7, 0.0, 1.0])
    z = rng.normal(-1.5, 1.8, 60)
    y = (rng.random(60) < sigmoid(z + 0.3)).astype(np.float64)
    binary_case("binary_imbalanced", z, y, [0.5, 0.2, 0.35])
    z = np.array([-3.0, -1.0, -0.5, 0.25, 2.0, 4.0])
    binary_case("binary_separated", z, np.array([0, 0, 0, 1, 1, 1.0]), [0.5, 0.9])

    # multiclass
    classes = 4
    logits = rng.normal(0, 1.5, (30, classes))
    y = np.array([rng.choice(classes, p=np.exp(r) / np.exp(r).sum()) for r in logits])
    multiclass_case("multiclass_four", logits, y, classes)

    header = OrderedDict([("generator", "tools/generate_metric_goldens.py"), ("sklearn", sklearn.__version__),
                          ("numpy", np.__version__)])
    head = json.dumps(header, indent=None)[:-1]
    lines = [json.dumps(c, indent=None, allow_nan=False) for c in CASES]
    text = head + ', "cases": [\n' + ",\n".join(lines) + "\n]}\n"
    json.loads(text)

    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(OUT_PATH), prefix=".metrics.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, OUT_PATH)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    print(f"wrote {OUT_PATH}: {len(CASES)} cases (sklearn {sklearn.__version__}, numpy {np.__version__})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
