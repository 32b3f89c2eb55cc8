#!/usr/bin/python3
"""Generate the golden values for LossLab's loss functions.

Run with Debian's PyTorch (torch 1.13.x, torchvision 0.14.x):

    /usr/bin/python3 tools/generate_loss_goldens.py

Writes tests/LossLab.Tests/Goldens/losses.json (relative to the repository root).

Each case holds float32-exact inputs (`pred`, `target`, flat row-major), the loss `value`
(a list of per-item values for reduction `none`) and `grad`, the gradient of the reduced loss
with respect to `pred` (for `none`: the gradient of the sum of the items).

- source "torch" / "torchvision": the library function itself, in float32, gradient by autograd.
- source "formula": losses the libraries lack, written here with torch ops in float64 on the
  float32 inputs, gradient by autograd (never hand-derived).

Everything is seeded, so re-running produces the identical file.
"""

import json
import math
import os
import sys
import tempfile
import warnings
from collections import OrderedDict

import torch
import torch.nn.functional as F
import torchvision
import torchvision.ops as tvops

warnings.filterwarnings("ignore")
torch.set_num_threads(1)

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_PATH = os.path.join(REPO_ROOT, "tests", "LossLab.Tests", "Goldens", "losses.json")

F32 = torch.float32
F64 = torch.float64
REDUCTIONS = ("none", "mean", "sum")

CASES = []
IDS = set()


# --------------------------------------------------------------------------------------------
# helpers: random numbers, spec strings, running a case
# --------------------------------------------------------------------------------------------

class Rng:
    """Seeded torch generator producing float32 tensors."""

    def __init__(self, seed):
        self.g = torch.Generator().manual_seed(seed)

    def uniform(self, lo, hi, *shape):
        u = torch.rand(*shape, generator=self.g, dtype=F64)
        return (lo + (hi - lo) * u).to(F32)

    def normal(self, *shape, scale=1.0):
        return (torch.randn(*shape, generator=self.g, dtype=F64) * scale).to(F32)

    def randint(self, lo, hi, *shape):
        return torch.randint(lo, hi, shape, generator=self.g, dtype=torch.int64)

    def sign(self, *shape):
        return (self.randint(0, 2, *shape) * 2 - 1).to(F32)

    def perm(self, n):
        return torch.randperm(n, generator=self.g)


def fmt_num(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    v = float(v)
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if v == int(v) and abs(v) < 1e15:
        return str(int(v))
    s = repr(v)
    if "e" in s:  # 1e-07 -> 1e-7
        mant, exp = s.split("e")
        sign = "-" if exp.startswith("-") else ""
        s = mant + "e" + sign + exp.lstrip("+-").lstrip("0")
    return s


def fmt_val(v):
    if isinstance(v, (list, tuple)):
        return "/".join(fmt_num(x) for x in v)
    return fmt_num(v)


def make_spec(name, params, defaults):
    """params: list of (key, value) in canonical order; keys equal to the default are left out."""
    parts = []
    for k, v in params:
        if k not in defaults:
            raise KeyError(f"{name}: unknown parameter {k}")
        d = defaults[k]
        same = (d is None and v is None) or (d is not None and v is not None and fmt_val(v) == fmt_val(d))
        if not same:
            parts.append(f"{k}={fmt_val(v)}")
    return name + (":" + ",".join(parts) if parts else "")


def flat(t):
    return [float(x) for x in t.detach().reshape(-1).tolist()]


def check_finite(case_id, xs):
    for x in xs:
        if not math.isfinite(x):
            raise ValueError(f"{case_id}: non-finite number {x}")


def add_case(name, tag, params, defaults, source, pred, target, fn, reductions=REDUCTIONS,
             classes=0, dtype=F32):
    """Run `fn(pred, target, reduction)` for every reduction and record a case for each.

    pred / target are float32 tensors (target may be int64 class indices).
    For dtype float64 (formula losses) pred and target are cast from their float32 values.
    """
    spec = make_spec(name, params, defaults)
    assert pred.dtype == F32
    if target.is_floating_point():
        assert target.dtype == F32
    for red in reductions:
        case_id = f"{name}_{tag}_{red}"
        if case_id in IDS:
            raise ValueError(f"duplicate id {case_id}")
        IDS.add(case_id)
        p = pred.detach().clone().to(dtype).requires_grad_(True)
        t = target.detach().clone()
        if t.is_floating_point():
            t = t.to(dtype)
        loss = fn(p, t, red)
        if red == "none":
            loss.sum().backward()
            value = flat(loss)
        else:
            assert loss.dim() == 0, case_id
            loss.backward()
            value = float(loss.detach())
        grad = flat(p.grad)
        check_finite(case_id, value if isinstance(value, list) else [value])
        check_finite(case_id, grad)
        CASES.append(OrderedDict([
            ("id", case_id),
            ("spec", spec),
            ("classes", int(classes)),
            ("reduction", red),
            ("source", source),
            ("pred", flat(pred)),
            ("target", flat(target)),
            ("value", value),
            ("grad", grad),
        ]))


def reduce_items(items, red):
    if red == "none":
        return items
    if red == "sum":
        return items.sum()
    if red == "mean":
        return items.sum() / items.numel()
    raise ValueError(red)


def formula(item_fn):
    """Wrap an element/item-wise formula (float64) into fn(pred, target, reduction)."""
    return lambda p, t, red: reduce_items(item_fn(p, t), red)


def far_from(values, points, tol=1e-3):
    v = values.double()
    return all(bool(((v - pt).abs() > tol).all()) for pt in points)


def draw(gen, ok, tries=10000):
    """Call gen() until ok(result) holds."""
    for _ in range(tries):
        r = gen()
        if ok(r):
            return r
    raise RuntimeError("could not draw acceptable inputs")


def z_of(pred, target):
    return pred.double() - target.double()


# --------------------------------------------------------------------------------------------
# regression
# --------------------------------------------------------------------------------------------

def gen_regression():
    # ---- l1
    r = Rng(101)
    pred = r.uniform(-3, 3, 10)
    target = r.uniform(-3, 3, 10)
    target[2] = pred[2]
    target[7] = pred[7]  # exact z = 0: gradient 0 (torch uses sgn)
    add_case("l1", "basic", [], {}, "torch", pred, target,
             lambda p, t, red: F.l1_loss(p, t, reduction=red))

    # ---- mse
    r = Rng(102)
    pred = r.uniform(-3, 3, 9)
    target = r.uniform(-3, 3, 9)
    target[4] = pred[4]
    add_case("mse", "basic", [], {}, "torch", pred, target,
             lambda p, t, red: F.mse_loss(p, t, reduction=red))

    # ---- huber
    for i, delta in enumerate((1.0, 0.5, 2.5)):
        r = Rng(110 + i)

        def gen():
            target = r.uniform(-2, 2, 10)
            inside = r.uniform(-0.95, 0.95, 5) * delta
            outside = r.sign(5) * r.uniform(1.05, 3.0, 5) * delta
            z = torch.cat([inside, outside])[r.perm(10)]
            return (target + z).to(F32), target

        pred, target = draw(gen, lambda pt: far_from(z_of(*pt).abs(), [delta]))
        add_case("huber", f"delta{fmt_num(delta)}", [("delta", delta)], {"delta": 1.0}, "torch",
                 pred, target, lambda p, t, red, d=delta: F.huber_loss(p, t, reduction=red, delta=d))

    # ---- smooth_l1
    # beta == 0 is exactly L1. PyTorch >= 2.1 (pytorch PR #97022, issue #96813) routes beta == 0 to
    # l1_loss, so the gradient at z == 0 is 0 (sgn). torch 1.13's own smooth_l1 kernel instead gives
    # -1 there on CPU (its `x <= -beta` branch) and NaN on CUDA, so mirror the current routing here.
    def smooth_l1(beta):
        if beta == 0.0:
            return lambda p, t, red: F.l1_loss(p, t, reduction=red)
        return lambda p, t, red: F.smooth_l1_loss(p, t, reduction=red, beta=beta)

    for i, beta in enumerate((1.0, 0.5, 0.0)):
        r = Rng(120 + i)
        scale = beta if beta > 0 else 1.0

        def gen():
            target = r.uniform(-2, 2, 10)
            inside = r.uniform(-0.95, 0.95, 5) * scale
            outside = r.sign(5) * r.uniform(1.05, 3.0, 5) * scale
            z = torch.cat([inside, outside])[r.perm(10)]
            return (target + z).to(F32), target

        pred, target = draw(gen, lambda pt: far_from(z_of(*pt).abs(), [beta]))
        if beta == 0.0:
            target[1] = pred[1]
            target[6] = pred[6]  # exact z = 0 with beta = 0 (torch routes to l1_loss)
        add_case("smooth_l1", f"beta{fmt_num(beta)}", [("beta", beta)], {"beta": 1.0}, "torch",
                 pred, target, smooth_l1(beta))

    # ---- log_cosh (formula)
    r = Rng(130)
    target = r.uniform(-2, 2, 10)
    z = torch.tensor([0.0, 0.3, -0.8, 2.5, -5.0, 12.0, -19.5, 25.0, 30.0, -30.0], dtype=F64)
    z[1:4] += r.uniform(-0.1, 0.1, 3).double()
    pred = (target.double() + z).to(F32)
    add_case("log_cosh", "wide", [], {}, "formula", pred, target,
             formula(lambda p, t: torch.log(torch.cosh(p - t))), dtype=F64)

    # ---- pseudo_huber (formula)
    for i, delta in enumerate((1.0, 2.0)):
        r = Rng(140 + i)
        pred = r.uniform(-5, 5, 9)
        target = r.uniform(-5, 5, 9)
        add_case("pseudo_huber", f"delta{fmt_num(delta)}", [("delta", delta)], {"delta": 1.0}, "formula",
                 pred, target,
                 formula(lambda p, t, d=delta: d * d * (torch.sqrt(1 + ((p - t) / d) ** 2) - 1)), dtype=F64)

    # ---- quantile (formula)
    for i, tau in enumerate((0.1, 0.5, 0.9)):
        r = Rng(150 + i)
        pred, target = draw(lambda: (r.uniform(-3, 3, 10), r.uniform(-3, 3, 10)),
                            lambda pt: far_from(z_of(*pt), [0.0]))

        def q(p, t, tau=tau):
            res = t - p
            return torch.where(res >= 0, tau * res, (tau - 1) * res)

        add_case("quantile", f"tau{fmt_num(tau)}", [("tau", tau)], {"tau": 0.5}, "formula",
                 pred, target, formula(q), dtype=F64)

    # ---- epsilon_insensitive / squared_epsilon_insensitive (formula)
    for name, sq, seed in (("epsilon_insensitive", False, 160), ("squared_epsilon_insensitive", True, 170)):
        for i, eps in enumerate((0.1, 0.5)):
            r = Rng(seed + i)

            def gen():
                target = r.uniform(-1, 1, 10)
                inside = r.uniform(-0.95, 0.95, 4) * eps
                outside = r.sign(6) * r.uniform(1.1, 6.0, 6) * eps
                z = torch.cat([inside, outside])[r.perm(10)]
                return (target + z).to(F32), target

            pred, target = draw(gen, lambda pt, e=eps: far_from(z_of(*pt).abs(), [e]))

            def ei(p, t, e=eps, sq=sq):
                m = torch.clamp((p - t).abs() - e, min=0.0)
                return m * m if sq else m

            add_case(name, f"eps{fmt_num(eps)}", [("epsilon", eps)], {"epsilon": 0.1}, "formula",
                     pred, target, formula(ei), dtype=F64)

    # ---- msle (formula, Keras)
    r = Rng(180)
    pred = r.uniform(0.01, 5, 10)
    target = r.uniform(0.01, 5, 10)
    eps = 1e-7
    add_case("msle", "basic", [("eps", eps)], {"eps": 1e-7}, "formula", pred, target,
             formula(lambda p, t: (torch.log1p(torch.clamp(p, min=eps)) - torch.log1p(torch.clamp(t, min=eps))) ** 2),
             dtype=F64)

    # ---- mape (formula, Keras)
    r = Rng(190)

    def gen_mape():
        target = r.sign(10) * r.uniform(0.2, 5, 10)
        pred = r.uniform(-5, 5, 10)
        return pred, target

    pred, target = draw(gen_mape, lambda pt: far_from(z_of(*pt), [0.0]))
    add_case("mape", "basic", [("eps", 1e-7)], {"eps": 1e-7}, "formula", pred, target,
             formula(lambda p, t: 100.0 * (t - p).abs() / torch.clamp(t.abs(), min=1e-7)), dtype=F64)

    # ---- poisson_nll (torch)
    pdef = {"log_input": True, "full": False, "eps": 1e-8}
    r = Rng(200)
    pred = r.uniform(-2, 2, 10)
    target = r.randint(0, 9, 10).to(F32)
    add_case("poisson_nll", "default", [("log_input", True), ("full", False)], pdef, "torch", pred, target,
             lambda p, t, red: F.poisson_nll_loss(p, t, log_input=True, full=False, reduction=red))
    r = Rng(201)
    pred = r.uniform(0.05, 6, 10)
    target = r.randint(0, 9, 10).to(F32)
    add_case("poisson_nll", "rate", [("log_input", False), ("full", False)], pdef, "torch", pred, target,
             lambda p, t, red: F.poisson_nll_loss(p, t, log_input=False, full=False, reduction=red))
    r = Rng(202)
    pred = r.uniform(-2, 2, 10)
    target = torch.tensor([0, 1, 2, 5, 1, 8, 0, 3, 1, 6], dtype=F32)  # some <= 1, some > 1
    add_case("poisson_nll", "full", [("log_input", True), ("full", True)], pdef, "torch", pred, target,
             lambda p, t, red: F.poisson_nll_loss(p, t, log_input=True, full=True, reduction=red))
    r = Rng(203)
    pred = r.uniform(0.05, 6, 10)
    target = torch.tensor([2, 0, 1, 7, 4, 1, 0, 3, 8, 2], dtype=F32)
    add_case("poisson_nll", "rate_full", [("log_input", False), ("full", True)], pdef, "torch", pred, target,
             lambda p, t, red: F.poisson_nll_loss(p, t, log_input=False, full=True, reduction=red))

    # ---- gaussian_nll (torch): pred interleaved (mean, variance)
    gdef = {"full": False, "eps": 1e-6}

    def gnll(full, eps):
        def fn(p, t, red):
            pv = p.view(-1, 2)
            return F.gaussian_nll_loss(pv[:, 0], t, pv[:, 1], full=full, eps=eps, reduction=red)
        return fn

    for tag, seed, full, clamp in (("default", 210, False, False), ("full", 211, True, False),
                                   ("clamp", 212, False, True)):
        r = Rng(seed)
        n = 8
        mu = r.uniform(-3, 3, n)
        var = r.uniform(0.1, 3, n)
        target = r.uniform(-3, 3, n)
        if clamp:
            var[3] = 1e-8  # below eps: clamped to eps in the forward; autograd ignores the clamp
            target[3] = mu[3] + 0.002
        pred = torch.stack([mu, var], dim=1).reshape(-1).contiguous()
        add_case("gaussian_nll", tag, [("full", full), ("eps", 1e-6)], gdef, "torch", pred, target,
                 gnll(full, 1e-6))

    # ---- cauchy (formula)
    for i, c in enumerate((1.0, 0.5)):
        r = Rng(220 + i)
        pred = r.uniform(-4, 4, 9)
        target = r.uniform(-4, 4, 9)
        add_case("cauchy", f"c{fmt_num(c)}", [("c", c)], {"c": 1.0}, "formula", pred, target,
                 formula(lambda p, t, c=c: torch.log1p(0.5 * ((p - t) / c) ** 2)), dtype=F64)

    # ---- tukey (formula)
    for i, c in enumerate((4.685, 1.0)):
        r = Rng(230 + i)

        def gen():
            target = r.uniform(-2, 2, 10)
            inside = r.uniform(-0.97, 0.97, 6) * c
            outside = r.sign(4) * r.uniform(1.05, 2.5, 4) * c
            z = torch.cat([inside, outside])[r.perm(10)]
            return (target + z).to(F32), target

        pred, target = draw(gen, lambda pt, c=c: far_from(z_of(*pt).abs(), [c]))

        def tk(p, t, c=c):
            z = p - t
            inner = c * c / 6.0 * (1 - (1 - (z / c) ** 2) ** 3)
            return torch.where(z.abs() <= c, inner, torch.full_like(z, c * c / 6.0))

        add_case("tukey", f"c{fmt_num(c)}", [("c", c)], {"c": 4.685}, "formula", pred, target,
                 formula(tk), dtype=F64)

    # ---- barron (formula)
    def barron(alpha, c):
        def fn(p, t):
            x = (p - t) / c
            z2 = x * x
            if alpha == 2:
                return 0.5 * z2
            if alpha == 0:
                return torch.log(0.5 * z2 + 1)
            if math.isinf(alpha) and alpha < 0:
                return 1 - torch.exp(-0.5 * z2)
            b = abs(alpha - 2)
            return (b / alpha) * ((z2 / b + 1) ** (alpha / 2) - 1)
        return fn

    variants = [(2.0, 1.0), (1.0, 1.0), (0.0, 1.0), (-2.0, 1.0), (0.5, 1.0), (-math.inf, 1.0),
                (2.0, 2.0), (1.0, 2.0), (0.0, 2.0), (-2.0, 2.0), (0.5, 2.0), (-math.inf, 2.0)]
    for i, (alpha, c) in enumerate(variants):
        r = Rng(240 + i)
        pred = r.uniform(-6, 6, 9)
        target = r.uniform(-3, 3, 9)
        atag = "minf" if math.isinf(alpha) else fmt_num(alpha)
        add_case("barron", f"a{atag}_c{fmt_num(c)}", [("alpha", alpha), ("c", c)], {"alpha": 1.0, "c": 1.0},
                 "formula", pred, target, formula(barron(alpha, c)), dtype=F64)


# --------------------------------------------------------------------------------------------
# classification
# --------------------------------------------------------------------------------------------

def gen_classification():
    # ---- bce (probabilities), shape (N, C); weight broadcast over the last dimension
    bdef = {"weight": None}
    for tag, seed, n, c, weight in (("plain", 300, 4, 3, None), ("weight", 301, 4, 3, [1.0, 2.0, 0.5]),
                                    ("weight1", 302, 5, 2, [1.5])):
        r = Rng(seed)
        pred = r.uniform(0.02, 0.98, n, c)
        target = r.randint(0, 2, n, c).to(F32)
        soft = r.uniform(0, 1, n, c)
        mask = r.randint(0, 3, n, c) == 0  # about a third soft targets
        target = torch.where(mask, soft, target)
        w = None if weight is None else torch.tensor(weight, dtype=F32)
        add_case("bce", tag, [("weight", weight)], bdef, "torch", pred, target,
                 lambda p, t, red, w=w: F.binary_cross_entropy(p, t, weight=w, reduction=red))

    # ---- bce_with_logits
    ldef = {"weight": None, "pos_weight": None}
    for tag, seed, weight, posw, extreme in (
            ("plain", 310, None, None, False),
            ("weight", 311, [0.5, 2.0, 1.0, 1.5], None, False),
            ("pos_weight", 312, None, [3.0, 0.5, 1.0, 2.0], False),
            ("both", 313, [0.5, 2.0, 1.0, 1.5], [3.0, 0.5, 1.0, 2.0], False),
            ("extreme", 314, None, None, True),
            ("extreme_both", 315, [0.5, 2.0, 1.0, 1.5], [3.0, 0.5, 1.0, 2.0], True)):
        r = Rng(seed)
        n, c = 3, 4
        pred = r.uniform(-4, 4, n, c)
        target = r.randint(0, 2, n, c).to(F32)
        soft = r.uniform(0, 1, n, c)
        target = torch.where(r.randint(0, 3, n, c) == 0, soft, target)
        if extreme:
            pred[0, 0], pred[0, 1], pred[1, 2], pred[2, 3] = 1e4, -1e4, 50.0, -50.0
            pred[1, 0], pred[2, 1] = -1e4, 1e4
            target[0, 0], target[0, 1], target[1, 2], target[2, 3] = 0.0, 1.0, 1.0, 0.0
            target[1, 0], target[2, 1] = 0.0, 1.0
        w = None if weight is None else torch.tensor(weight, dtype=F32)
        pw = None if posw is None else torch.tensor(posw, dtype=F32)
        add_case("bce_with_logits", tag, [("weight", weight), ("pos_weight", posw)], ldef, "torch", pred, target,
                 lambda p, t, red, w=w, pw=pw: F.binary_cross_entropy_with_logits(
                     p, t, weight=w, pos_weight=pw, reduction=red))

    # ---- cross_entropy
    cdef = {"weight": None, "ignore_index": -100, "label_smoothing": 0.0}
    W4 = [1.0, 2.0, 0.5, 1.5]
    W3 = [0.5, 2.0, 1.0]

    def ce_case(tag, seed, n, c, weight=None, ignore_index=-100, ls=0.0, probs=False, ignored=(), scale=3.0,
                huge=False):
        r = Rng(seed)
        pred = r.uniform(-scale, scale, n, c)
        if huge:
            pred = r.sign(n, c) * r.uniform(0.5e4, 1.5e4, n, c)
            pred[0, 0] = 1.0e4
            pred[0, 1] = 1.0e4 - 3.0  # close competitor: a non-trivial softmax in the first row
        if probs:
            target = torch.softmax(r.uniform(-2, 2, n, c).double() * 1.5, dim=1).to(F32)
            target[1] = 0.0
            target[1, c - 1] = 1.0  # one one-hot row
        else:
            target = r.randint(0, c, n)
            for i in ignored:
                target[i] = ignore_index
        w = None if weight is None else torch.tensor(weight, dtype=F32)
        add_case("cross_entropy", tag,
                 [("weight", weight), ("ignore_index", ignore_index), ("label_smoothing", ls)], cdef, "torch",
                 pred, target,
                 lambda p, t, red: F.cross_entropy(p, t, weight=w, ignore_index=ignore_index,
                                                   reduction=red, label_smoothing=ls),
                 classes=c)

    ce_case("plain", 320, 6, 4)
    ce_case("weight", 321, 6, 4, weight=W4)
    ce_case("ignore1", 322, 7, 3, ignore_index=1, ignored=(1, 4))
    ce_case("ignore_default", 323, 6, 4, ignored=(2, 5))
    ce_case("ls0.1", 324, 6, 4, ls=0.1)
    ce_case("weight_ls0.2", 325, 6, 4, weight=W4, ls=0.2)
    ce_case("weight_ignore_ls", 326, 8, 3, weight=W3, ignore_index=1, ls=0.1, ignored=(0, 5))
    ce_case("weight_ignore_default", 327, 6, 4, weight=W4, ignored=(3,))
    ce_case("probs", 328, 5, 4, probs=True)
    ce_case("probs_weight", 329, 5, 4, weight=W4, probs=True)
    ce_case("probs_ls0.1", 330, 5, 3, ls=0.1, probs=True)
    ce_case("probs_weight_ls0.2", 331, 5, 3, weight=W3, ls=0.2, probs=True)
    ce_case("huge", 332, 5, 3, huge=True)
    ce_case("c2", 333, 4, 2)
    ce_case("c5", 334, 4, 5)

    # ---- nll (log-probabilities)
    ndef = {"weight": None, "ignore_index": -100}
    for tag, seed, n, c, weight, ig, ignored in (("plain", 340, 6, 4, None, -100, ()),
                                                  ("weight", 341, 6, 4, W4, -100, ()),
                                                  ("ignore2", 342, 7, 3, None, 2, (0, 3)),
                                                  ("weight_ignore_default", 343, 6, 3, W3, -100, (4,))):
        r = Rng(seed)
        pred = torch.log_softmax(r.uniform(-3, 3, n, c), dim=1)
        target = r.randint(0, c, n)
        for i in ignored:
            target[i] = ig
        w = None if weight is None else torch.tensor(weight, dtype=F32)
        add_case("nll", tag, [("weight", weight), ("ignore_index", ig)], ndef, "torch", pred, target,
                 lambda p, t, red, w=w, ig=ig: F.nll_loss(p, t, weight=w, ignore_index=ig, reduction=red),
                 classes=c)

    # ---- kl_div
    kdef = {"log_target": False}
    for tag, seed, n, c, logt in (("prob", 350, 4, 3, False), ("log_target", 351, 4, 4, True),
                                  ("prob_c5", 352, 3, 5, False)):
        r = Rng(seed)
        pred = torch.log_softmax(r.uniform(-2, 2, n, c), dim=1)
        if logt:
            target = torch.log_softmax(r.uniform(-2, 2, n, c), dim=1)
        else:
            target = torch.softmax(r.uniform(-2, 2, n, c), dim=1)
            target[1, 0] = 0.0  # exact zero probability: contributes 0
            target[1] = target[1] / target[1].sum()
        add_case("kl_div", tag, [("log_target", logt)], kdef, "torch", pred, target,
                 lambda p, t, red, lt=logt: F.kl_div(p, t, reduction=red, log_target=lt),
                 reductions=REDUCTIONS + ("batchmean",), classes=c)

    # ---- multi_margin
    mdef = {"p": 1, "margin": 1.0, "weight": None}
    for tag, seed, n, c, pp, margin, weight in (("default", 360, 6, 4, 1, 1.0, None),
                                                ("p2", 361, 6, 4, 2, 1.0, None),
                                                ("margin0.5", 362, 6, 3, 1, 0.5, None),
                                                ("weight", 363, 6, 4, 1, 1.0, W4),
                                                ("p2_weight_margin2", 364, 6, 3, 2, 2.0, W3)):
        r = Rng(seed)

        def gen():
            return r.uniform(-2, 2, n, c), r.randint(0, c, n)

        def ok(pt, margin=margin):
            x, y = pt
            xd = x.double()
            terms = margin - xd.gather(1, y.view(-1, 1)) + xd
            mask = torch.ones_like(terms, dtype=torch.bool)
            mask.scatter_(1, y.view(-1, 1), False)
            t = terms[mask]
            return bool((t.abs() > 1e-3).all()) and bool((t > 0).any()) and bool((t < 0).any())

        pred, target = draw(gen, ok)
        w = None if weight is None else torch.tensor(weight, dtype=F32)
        add_case("multi_margin", tag, [("p", pp), ("margin", margin), ("weight", weight)], mdef, "torch",
                 pred, target,
                 lambda p, t, red, pp=pp, m=margin, w=w: F.multi_margin_loss(p, t, p=pp, margin=m, weight=w,
                                                                             reduction=red),
                 classes=c)

    # ---- soft_margin
    for tag, seed, scale in (("basic", 370, 3.0), ("wide", 371, 40.0)):
        r = Rng(seed)
        pred = r.uniform(-scale, scale, 9)
        target = r.sign(9)
        add_case("soft_margin", tag, [], {}, "torch", pred, target,
                 lambda p, t, red: F.soft_margin_loss(p, t, reduction=red))

    # ---- hinge / squared_hinge (formula)
    for name, sq, seed in (("hinge", False, 380), ("squared_hinge", True, 381)):
        r = Rng(seed)

        def gen():
            return r.uniform(-3, 3, 10), r.sign(10)

        def ok(pt):
            m = 1 - pt[0].double() * pt[1].double()
            return far_from(m, [0.0]) and bool((m > 0).any()) and bool((m < 0).any())

        pred, target = draw(gen, ok)

        def hl(p, t, sq=sq):
            m = torch.clamp(1 - t * p, min=0.0)
            return m * m if sq else m

        add_case(name, "basic", [], {}, "formula", pred, target, formula(hl), dtype=F64)

    # ---- focal (torchvision sigmoid_focal_loss)
    fdef = {"alpha": 0.25, "gamma": 2.0}
    for tag, seed, alpha, gamma, soft, extreme in (("default", 390, 0.25, 2.0, False, False),
                                                   ("alpha_off", 391, -1.0, 2.0, False, False),
                                                   ("gamma0", 392, 0.25, 0.0, False, False),
                                                   ("a0.5_g1.5", 393, 0.5, 1.5, False, False),
                                                   ("soft", 394, 0.25, 2.0, True, False),
                                                   ("extreme", 395, 0.25, 2.0, False, True)):
        r = Rng(seed)
        pred = r.uniform(-4, 4, 10)
        target = r.randint(0, 2, 10).to(F32)
        if soft:
            target = r.uniform(0, 1, 10)
        if extreme:
            pred[0], pred[1], pred[2], pred[3] = 1e4, -1e4, 1e4, -1e4
            target[0], target[1], target[2], target[3] = 1.0, 0.0, 0.0, 1.0
        add_case("focal", tag, [("alpha", alpha), ("gamma", gamma)], fdef, "torchvision", pred, target,
                 lambda p, t, red, a=alpha, g=gamma: tvops.sigmoid_focal_loss(p, t, alpha=a, gamma=g,
                                                                              reduction=red))

    # ---- softmax_focal (formula)
    sdef = {"alpha": 1.0, "gamma": 2.0}
    for tag, seed, n, c, alpha, gamma in (("default", 400, 6, 4, 1.0, 2.0), ("gamma0", 401, 6, 4, 1.0, 0.0),
                                          ("a0.25_g1", 402, 5, 3, 0.25, 1.0)):
        r = Rng(seed)
        pred = r.uniform(-3, 3, n, c)
        target = r.randint(0, c, n)

        def sf(p, t, alpha=alpha, gamma=gamma):
            logp = torch.log_softmax(p, dim=1).gather(1, t.view(-1, 1)).squeeze(1)
            pt = torch.exp(logp)
            return -alpha * (1 - pt) ** gamma * logp

        add_case("softmax_focal", tag, [("alpha", alpha), ("gamma", gamma)], sdef, "formula", pred, target,
                 formula(sf), classes=c, dtype=F64)


# --------------------------------------------------------------------------------------------
# detection
# --------------------------------------------------------------------------------------------

def iou_loss_formula(eps):
    """1 - inter / (union + eps), mirroring torchvision's _loss_inter_union code (float32)."""
    def fn(p, t, red):
        b1 = p.view(-1, 4)
        b2 = t.view(-1, 4)
        x1, y1, x2, y2 = b1.unbind(dim=-1)
        x1g, y1g, x2g, y2g = b2.unbind(dim=-1)
        xkis1 = torch.max(x1, x1g)
        ykis1 = torch.max(y1, y1g)
        xkis2 = torch.min(x2, x2g)
        ykis2 = torch.min(y2, y2g)
        intsctk = torch.zeros_like(x1)
        mask = (ykis2 > ykis1) & (xkis2 > xkis1)
        intsctk[mask] = (xkis2[mask] - xkis1[mask]) * (ykis2[mask] - ykis1[mask])
        unionk = (x2 - x1) * (y2 - y1) + (x2g - x1g) * (y2g - y1g) - intsctk
        loss = 1 - intsctk / (unionk + eps)
        return reduce_items(loss, red)
    return fn


def gen_boxes(r, kinds):
    """One (pred, target) box pair per kind: 'overlap', 'nested' (pred inside target),
    'contains' (target inside pred), 'disjoint'."""
    preds, targets = [], []
    for kind in kinds:
        while True:
            cx, cy = r.uniform(0, 20, 2).tolist()
            w, h = r.uniform(2, 8, 2).tolist()
            tb = [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2]
            if kind == "overlap":
                dx, dy = (r.uniform(0.2, 0.7, 2) * r.sign(2)).tolist()
                sw, sh = r.uniform(0.7, 1.4, 2).tolist()
                pw, ph = w * sw, h * sh
                pcx, pcy = cx + dx * w, cy + dy * h
            elif kind in ("nested", "contains"):
                s = r.uniform(0.3, 0.8, 2).tolist()
                if kind == "nested":
                    pw, ph = w * s[0], h * s[1]
                    room_x, room_y = (w - pw) / 2, (h - ph) / 2
                else:
                    pw, ph = w / s[0], h / s[1]
                    room_x, room_y = (pw - w) / 2, (ph - h) / 2
                ox, oy = r.uniform(-0.8, 0.8, 2).tolist()
                pcx, pcy = cx + ox * room_x, cy + oy * room_y
            elif kind == "disjoint":
                pw, ph = r.uniform(2, 8, 2).tolist()
                ang = float(r.uniform(0, 2 * math.pi, 1))
                dist = float(r.uniform(1.2, 2.0, 1)) * (max(w, h) + max(pw, ph))
                pcx, pcy = cx + dist * math.cos(ang), cy + dist * math.sin(ang)
            else:
                raise ValueError(kind)
            pb = [pcx - pw / 2, pcy - ph / 2, pcx + pw / 2, pcy + ph / 2]
            pt = torch.tensor(pb, dtype=F32)
            tt = torch.tensor(tb, dtype=F32)
            # no coinciding edges (max/min ties) and genuine widths
            diffs = torch.cat([(pt - tt), (pt[[0, 1]] - tt[[2, 3]]), (pt[[2, 3]] - tt[[0, 1]])]).double()
            if (diffs.abs() > 1e-2).all() and (pt[2] > pt[0]) and (pt[3] > pt[1]):
                overlaps = bool((torch.min(pt[2], tt[2]) > torch.max(pt[0], tt[0]))
                                and (torch.min(pt[3], tt[3]) > torch.max(pt[1], tt[1])))
                if overlaps == (kind != "disjoint"):
                    break
        preds.append(pt)
        targets.append(tt)
    return torch.cat(preds), torch.cat(targets)


def gen_detection():
    ddef = {"eps": 1e-7}
    sets = (("mixed", 500, ["overlap", "nested", "disjoint", "overlap", "contains", "disjoint", "overlap"]),
            ("overlap", 501, ["overlap"] * 5),
            ("nested", 502, ["nested", "contains", "nested", "contains"]),
            ("disjoint", 503, ["disjoint"] * 4))
    fns = {
        "giou": ("torchvision", lambda p, t, red: tvops.generalized_box_iou_loss(
            p.view(-1, 4), t.view(-1, 4), reduction=red, eps=1e-7)),
        "diou": ("torchvision", lambda p, t, red: tvops.distance_box_iou_loss(
            p.view(-1, 4), t.view(-1, 4), reduction=red, eps=1e-7)),
        "ciou": ("torchvision", lambda p, t, red: tvops.complete_box_iou_loss(
            p.view(-1, 4), t.view(-1, 4), reduction=red, eps=1e-7)),
        "iou": ("formula", iou_loss_formula(1e-7)),
    }
    for tag, seed, kinds in sets:
        pred, target = gen_boxes(Rng(seed), kinds)
        for name, (source, fn) in fns.items():
            add_case(name, tag, [("eps", 1e-7)], ddef, source, pred, target, fn)


# --------------------------------------------------------------------------------------------
# segmentation (one item: the whole span)
# --------------------------------------------------------------------------------------------

def seg_loss(kind, alpha=0.5, beta=0.5, smooth=0.0, eps=1e-7, from_logits=False):
    def item(p, t):
        yh = torch.sigmoid(p) if from_logits else p
        y = t
        if kind == "dice":
            num = 2 * (y * yh).sum() + smooth
            den = y.sum() + yh.sum() + smooth + eps
        elif kind == "tversky":
            tp = (y * yh).sum()
            fp = ((1 - y) * yh).sum()
            fn = (y * (1 - yh)).sum()
            num = tp + smooth
            den = tp + alpha * fp + beta * fn + smooth + eps
        elif kind == "jaccard":
            inter = (y * yh).sum()
            num = inter + smooth
            den = y.sum() + yh.sum() - inter + smooth + eps
        else:
            raise ValueError(kind)
        return (1 - num / den).reshape(1)
    return formula(item)


def gen_segmentation():
    base = {"smooth": 0.0, "eps": 1e-7, "from_logits": False}
    tdef = {"alpha": 0.5, "beta": 0.5, **base}
    seed = 600
    for name in ("dice", "tversky", "jaccard"):
        variants = [("default", {}, 12), ("smooth1", {"smooth": 1.0}, 10), ("logits", {"from_logits": True}, 16)]
        if name == "tversky":
            variants += [("a0.3_b0.7", {"alpha": 0.3, "beta": 0.7}, 14),
                         ("a0.3_b0.7_logits_smooth1", {"alpha": 0.3, "beta": 0.7, "smooth": 1.0,
                                                       "from_logits": True}, 9)]
        else:
            variants += [("logits_smooth1", {"smooth": 1.0, "from_logits": True}, 8)]
        for tag, kw, n in variants:
            seed += 1
            r = Rng(seed)
            logits = kw.get("from_logits", False)
            pred = r.uniform(-4, 4, n) if logits else r.uniform(0.01, 0.99, n)

            def gen():
                return (r.uniform(0, 1, n) < 0.25).to(F32)

            target = draw(gen, lambda t: 1 <= int(t.sum()) <= max(2, n // 3))
            defaults = tdef if name == "tversky" else base
            keys = (["alpha", "beta"] if name == "tversky" else []) + ["smooth", "eps", "from_logits"]
            full = dict(defaults)
            full.update(kw)
            add_case(name, tag, [(k, full[k]) for k in keys], defaults, "formula", pred, target,
                     seg_loss(name, **full), dtype=F64)


# --------------------------------------------------------------------------------------------
# output
# --------------------------------------------------------------------------------------------

def main():
    gen_regression()
    gen_classification()
    gen_detection()
    gen_segmentation()

    header = OrderedDict([("generator", "tools/generate_loss_goldens.py"),
                          ("torch", torch.__version__), ("torchvision", torchvision.__version__)])
    head = json.dumps(header, indent=None)[:-1]  # drop the closing brace
    lines = [json.dumps(c, indent=None, allow_nan=False) for c in CASES]
    text = head + ', "cases": [\n' + ",\n".join(lines) + "\n]}\n"
    json.loads(text)  # sanity: valid JSON

    os.makedirs(os.path.dirname(OUT_PATH), exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(OUT_PATH), prefix=".losses.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the usual permissions
        os.replace(tmp, OUT_PATH)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise

    counts = OrderedDict()
    for c in CASES:
        name = c["spec"].split(":")[0]
        counts[name] = counts.get(name, 0) + 1
    print(f"wrote {OUT_PATH}: {len(CASES)} cases, {len(text)} bytes "
          f"(torch {torch.__version__}, torchvision {torchvision.__version__})")
    for name, k in counts.items():
        print(f"  {name:30s} {k}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
