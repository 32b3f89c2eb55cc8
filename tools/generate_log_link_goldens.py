#!/usr/bin/python3
"""Golden values for LossLab's log-link losses that PyTorch lacks: tweedie and gamma.

Run with Debian's PyTorch and scikit-learn (torch 1.13.x, sklearn 1.2.x):

    /usr/bin/python3 tools/generate_log_link_goldens.py

Writes tests/LossLab.Tests/Goldens/log_link_losses.json (relative to the repository root), in the
format of tools/generate_loss_goldens.py (which needs torchvision as well, so these cases live in a
file of their own; GoldenTests reads both).

The prediction f is log mu (XGBoost's reg:tweedie / reg:gamma, LightGBM's tweedie):

- tweedie, variance power rho in (1, 2): l(f, y) = -y exp((1-rho) f)/(1-rho) + exp((2-rho) f)/(2-rho)
- gamma:                                 l(f, y) = y exp(-f) + f

Each formula is written with torch ops in float64 on float32-exact inputs, and the gradient is
torch autograd's (never hand-derived). Before a case is written, the formula is cross-checked against
scikit-learn's mean_tweedie_deviance / mean_gamma_deviance: half the deviance differs from the loss by a
term in y alone (y^(2-rho)/((1-rho)(2-rho)) for tweedie, -(1 + log y) for gamma).

Everything is seeded, so re-running produces the identical file.
"""

import json
import math
import os
import sys
import tempfile
import warnings
from collections import OrderedDict

import sklearn
import torch
from sklearn.metrics import mean_gamma_deviance, mean_tweedie_deviance

warnings.filterwarnings("ignore")
torch.set_num_threads(1)

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_PATH = os.path.join(REPO_ROOT, "tests", "LossLab.Tests", "Goldens", "log_link_losses.json")

F32 = torch.float32
F64 = torch.float64
REDUCTIONS = ("none", "mean", "sum")

CASES = []


def uniform(g, lo, hi, n):
    u = torch.rand(n, generator=g, dtype=F64)
    return (lo + (hi - lo) * u).to(F32)


def fmt_num(v):
    v = float(v)
    return str(int(v)) if v == int(v) else repr(v)


def flat(t):
    return [float(x) for x in t.detach().reshape(-1).tolist()]


def reduce_items(items, red):
    if red == "none":
        return items
    if red == "sum":
        return items.sum()
    return items.sum() / items.numel()


def add_cases(name, tag, spec, pred, target, item_fn):
    """One case per reduction: value(s) and autograd gradient of the float64 formula."""
    assert pred.dtype == F32 and target.dtype == F32
    for red in REDUCTIONS:
        p = pred.detach().clone().to(F64).requires_grad_(True)
        t = target.detach().clone().to(F64)
        loss = reduce_items(item_fn(p, t), red)
        if red == "none":
            loss.sum().backward()
            value = flat(loss)
        else:
            loss.backward()
            value = float(loss.detach())
        grad = flat(p.grad)
        for x in (value if isinstance(value, list) else [value]) + grad:
            if not math.isfinite(x):
                raise ValueError(f"{name}_{tag}_{red}: non-finite {x}")
        CASES.append(OrderedDict([
            ("id", f"{name}_{tag}_{red}"), ("spec", spec), ("classes", 0), ("reduction", red),
            ("source", "formula"), ("pred", flat(pred)), ("target", flat(target)), ("value", value), ("grad", grad),
        ]))


def tweedie(rho):
    return lambda p, t: -t * torch.exp((1 - rho) * p) / (1 - rho) + torch.exp((2 - rho) * p) / (2 - rho)


def gamma(p, t):
    return t * torch.exp(-p) + p


def check_against_sklearn(pred, target, items, to_half_deviance, reference):
    p, t = pred.double(), target.double()
    ours = 2 * to_half_deviance(items(p, t), t)
    mu = torch.exp(p)
    for k in range(len(t)):
        ref = reference([float(t[k])], [float(mu[k])])
        if abs(float(ours[k]) - ref) > 1e-9 * (1 + abs(ref)):
            raise AssertionError(f"item {k}: {float(ours[k])} vs scikit-learn {ref}")


def main():
    for i, rho in enumerate((1.5, 1.2, 1.8)):
        g = torch.Generator().manual_seed(205 + i)
        pred = uniform(g, -2, 2.5, 10)
        keep = (uniform(g, 0, 1, 10) > 0.3).to(F32)  # about a third exact zeros
        target = uniform(g, 0.05, 12, 10) * keep
        target[0] = 0.0
        check_against_sklearn(pred, target, tweedie(rho),
                              lambda l, t, rho=rho: l + t ** (2 - rho) / ((1 - rho) * (2 - rho)),
                              lambda y, m, rho=rho: mean_tweedie_deviance(y, m, power=rho))
        spec = "tweedie" if rho == 1.5 else f"tweedie:power={fmt_num(rho)}"
        add_cases("tweedie", f"p{fmt_num(rho)}", spec, pred, target, tweedie(rho))

    for i, (tag, lo, hi, shift) in enumerate((("basic", 0.05, 8.0, 0.0), ("large", 20.0, 400.0, math.log(100.0)))):
        g = torch.Generator().manual_seed(208 + i)
        pred = (uniform(g, -2, 3, 10).double() + shift).to(F32)
        target = uniform(g, lo, hi, 10)
        check_against_sklearn(pred, target, gamma, lambda l, t: l - 1 - torch.log(t), mean_gamma_deviance)
        add_cases("gamma", tag, "gamma", pred, target, gamma)

    header = OrderedDict([("generator", "tools/generate_log_link_goldens.py"),
                          ("torch", torch.__version__), ("sklearn", sklearn.__version__)])
    head = json.dumps(header, indent=None)[:-1]
    lines = [json.dumps(c, indent=None, allow_nan=False) for c in CASES]
    text = head + ', "cases": [\n' + ",\n".join(lines) + "\n]}\n"
    json.loads(text)

    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(OUT_PATH), prefix=".log_link.", suffix=".tmp")
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
    print(f"wrote {OUT_PATH}: {len(CASES)} cases (torch {torch.__version__}, sklearn {sklearn.__version__})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
