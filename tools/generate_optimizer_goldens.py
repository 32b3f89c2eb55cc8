#!/usr/bin/python3
"""Generate the golden trajectories for LossLab's optimizers, schedules and gradient clipping.

Run with Debian's PyTorch (torch 1.13.x), from anywhere:

    /usr/bin/python3 tools/generate_optimizer_goldens.py

Writes tests/LossLab.Tests/Goldens/optimizers.json (relative to the repository root).

Each case runs one optimizer (a LossLab spec string, keys are PyTorch's argument names) for
100 steps on one problem and records the parameters at steps 0..100 (101 rows):

    each step: g = grad(theta)  (float64 from the float32 theta, then rounded to float32)
               -> torch.nn.utils.clip_grad_norm_(params, clip_norm, norm_type)   (if clip_norm;
                                                  norm_type = clip_norm_type, 2 when absent)
               -> optimizer.step()
               -> scheduler.step()                                    (if schedule)

Problems (parameters float32; the gradient is computed in float64 with plain Python floats,
in the order written below, and rounded to float32 before it is given to the optimizer):

- rosenbrock:    theta = (x, y) from (1.5, 1.5); f = (1-x)^2 + 100 (y-x^2)^2;
                 g = (-2(1-x) - 400 x (y - x^2), 200 (y - x^2)).
- least_squares: theta = w in R^3 from 0; f = mean((Xw - y)^2) with X (20x3) and y (20) float32,
                 written into the file; r_i = (X[i,0] w0 + X[i,1] w1 + X[i,2] w2) - y_i,
                 g_j = (2/n) * sum_i X[i,j] r_i (sums in index order).

NAdam runs on torch 1.13's multi-tensor code path (foreach=True): its single-tensor path has
a bug fixed in torch 2.0 (see make_optimizer). All other torch optimizers run single-tensor.

Lion (not in torch) is implemented below as a torch.optim.Optimizer in float32 from the formula
of Chen et al. (2023): theta *= 1 - lr wd; c = b1 m + (1-b1) g; theta -= lr sign(c);
m = b2 m + (1-b2) g.

Floating point: PyTorch's CPU kernels are chosen at run time by CPU capability, and the AVX2 /
AVX-512 kernels fuse multiply-adds (add_ with alpha, addcmul_, vector norms) while the baseline
("default") kernels round every operation separately. So that the file does not depend on the
machine that generates it (and so that plain float32 arithmetic can reproduce it), this script
pins ATEN_CPU_CAPABILITY=default before torch is imported; --cpu-capability overrides it for
experiments (e.g. to measure how much the fused kernels move a trajectory).

Each case also carries "sensitivity": how chaotic the run is, i.e. how far a trajectory computed
with different float32 rounding may drift. The case is re-run five times: with theta_0 moved by
one float32 ulp (all components, up and then down), and three times (seeds 1, 2, 3) with every
component of theta_t moved by one ulp up or down at random right after each update (optimizer
state untouched) -- a model of an implementation that rounds differently at every step, which
also catches instabilities late in a run (and a zero start, where 1 ulp is a denormal that
changes nothing). The value is the largest, over those runs and over steps t, of
    max_i |theta_t,i - theta'_t,i| / max(max_i |theta_t,i|, 1e-30).

Everything is deterministic: re-running produces the identical file.
"""

import argparse
import json
import math
import os
import sys
import tempfile
import warnings
from collections import OrderedDict

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(REPO_ROOT, "tests", "LossLab.Tests", "Goldens", "optimizers.json")


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=DEFAULT_OUT, help="output file (default: %(default)s)")
    ap.add_argument("--cpu-capability", default="default",
                    help="ATen CPU kernels to use: default (pinned, machine independent), avx2, avx512")
    ap.add_argument("--no-sensitivity", action="store_true", help="skip the perturbed re-runs")
    return ap.parse_args()


ARGS = parse_args()
# Must be set before torch is imported: ATen reads it once.
os.environ["ATEN_CPU_CAPABILITY"] = ARGS.cpu_capability

import numpy as np  # noqa: E402
import torch  # noqa: E402

torch.set_num_threads(1)
if not torch.__version__.startswith("1.13"):
    print(f"warning: torch {torch.__version__}; the goldens are made with Debian's torch 1.13 "
          "(/usr/bin/python3); other versions round differently (e.g. lerp_ in Adam since 2.0)",
          file=sys.stderr)
warnings.filterwarnings("ignore", category=UserWarning, module=r"torch\.optim\.lr_scheduler")

F32 = torch.float32
F64 = torch.float64
STEPS = 100


# --------------------------------------------------------------------------------------------
# problems
# --------------------------------------------------------------------------------------------

def rosenbrock_grad(theta):
    x, y = theta
    return [-2.0 * (1.0 - x) - 400.0 * x * (y - x * x), 200.0 * (y - x * x)]


def make_least_squares(seed=20240611, n=20, d=3):
    g = torch.Generator().manual_seed(seed)
    X = torch.randn(n, d, generator=g, dtype=F64).to(F32)
    noise = torch.randn(n, generator=g, dtype=F64)
    w_true = torch.tensor([1.5, -2.0, 0.5], dtype=F64)
    y = (X.double() @ w_true + 0.3 + 0.1 * noise).to(F32)
    Xl = [[float(v) for v in row] for row in X.tolist()]
    yl = [float(v) for v in y.tolist()]
    return Xl, yl


LS_X, LS_Y = make_least_squares()
LS_N, LS_D = len(LS_X), len(LS_X[0])


def least_squares_grad(w):
    r = []
    for i in range(LS_N):
        s = 0.0
        for j in range(LS_D):
            s += LS_X[i][j] * w[j]
        r.append(s - LS_Y[i])
    g = []
    for j in range(LS_D):
        s = 0.0
        for i in range(LS_N):
            s += LS_X[i][j] * r[i]
        g.append((2.0 / LS_N) * s)
    return g


PROBLEMS = OrderedDict([
    ("rosenbrock", dict(start=[1.5, 1.5], grad=rosenbrock_grad)),
    ("least_squares", dict(start=[0.0, 0.0, 0.0], grad=least_squares_grad)),
])


# --------------------------------------------------------------------------------------------
# Lion
# --------------------------------------------------------------------------------------------

class Lion(torch.optim.Optimizer):
    """Lion (Chen et al. 2023), float32, as lucidrains/lion-pytorch (mul/add, not lerp)."""

    def __init__(self, params, lr=1e-4, betas=(0.9, 0.99), weight_decay=0.0, *, maximize=False):
        if not 0.0 < lr:
            raise ValueError(f"invalid lr {lr}")
        if not (0.0 <= betas[0] < 1.0 and 0.0 <= betas[1] < 1.0):
            raise ValueError(f"invalid betas {betas}")
        super().__init__(params, dict(lr=lr, betas=betas, weight_decay=weight_decay,
                                      maximize=maximize))

    @torch.no_grad()
    def step(self, closure=None):
        for group in self.param_groups:
            lr, wd = group["lr"], group["weight_decay"]
            beta1, beta2 = group["betas"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                grad = p.grad if not group["maximize"] else -p.grad
                state = self.state[p]
                if len(state) == 0:
                    state["exp_avg"] = torch.zeros_like(p, memory_format=torch.preserve_format)
                m = state["exp_avg"]
                if wd != 0:
                    p.mul_(1 - lr * wd)
                c = m.mul(beta1).add_(grad, alpha=1 - beta1)
                p.add_(torch.sign(c), alpha=-lr)
                m.mul_(beta2).add_(grad, alpha=1 - beta2)
        return None


# --------------------------------------------------------------------------------------------
# spec strings -> torch objects
# --------------------------------------------------------------------------------------------

def parse_value(s):
    if s in ("true", "false"):
        return s == "true"
    if "/" in s:
        return tuple(float(x) for x in s.split("/"))
    try:
        return int(s)
    except ValueError:
        return float(s)


def parse_spec(spec):
    name, _, rest = spec.partition(":")
    kw = OrderedDict()
    if rest:
        for part in rest.split(","):
            k, _, v = part.partition("=")
            if k in kw:
                raise ValueError(f"{spec}: duplicate key {k}")
            kw[k] = parse_value(v)
    return name, kw


OPTIMIZERS = {
    "sgd": (torch.optim.SGD, ["lr", "momentum", "dampening", "weight_decay", "nesterov", "maximize"]),
    "adam": (torch.optim.Adam, ["lr", "betas", "eps", "weight_decay", "amsgrad", "maximize"]),
    "adamw": (torch.optim.AdamW, ["lr", "betas", "eps", "weight_decay", "amsgrad", "maximize"]),
    "rmsprop": (torch.optim.RMSprop, ["lr", "alpha", "eps", "weight_decay", "momentum", "centered",
                                      "maximize"]),
    "adagrad": (torch.optim.Adagrad, ["lr", "lr_decay", "weight_decay", "initial_accumulator_value",
                                      "eps", "maximize"]),
    "adadelta": (torch.optim.Adadelta, ["lr", "rho", "eps", "weight_decay", "maximize"]),
    "adamax": (torch.optim.Adamax, ["lr", "betas", "eps", "weight_decay", "maximize"]),
    "nadam": (torch.optim.NAdam, ["lr", "betas", "eps", "weight_decay", "momentum_decay"]),
    "radam": (torch.optim.RAdam, ["lr", "betas", "eps", "weight_decay"]),
    "rprop": (torch.optim.Rprop, ["lr", "etas", "step_sizes", "maximize"]),
    "lion": (Lion, ["lr", "betas", "weight_decay", "maximize"]),
}

SCHEDULES = {
    "step": (torch.optim.lr_scheduler.StepLR, {"step_size": "step_size", "gamma": "gamma"}),
    "cosine": (torch.optim.lr_scheduler.CosineAnnealingLR, {"t_max": "T_max", "eta_min": "eta_min"}),
    "one_cycle": (torch.optim.lr_scheduler.OneCycleLR,
                  {k: k for k in ["max_lr", "total_steps", "pct_start", "anneal_strategy",
                                  "cycle_momentum", "base_momentum", "max_momentum", "div_factor",
                                  "final_div_factor", "three_phase"]}),
}


def make_optimizer(spec, params):
    name, kw = parse_spec(spec)
    cls, keys = OPTIMIZERS[name]
    for k in kw:
        if k not in keys:
            raise KeyError(f"{spec}: unknown key {k} (accepted: {', '.join(keys)})")
    if name == "sgd" and "lr" not in kw:
        kw["lr"] = 1e-3  # LossLab's default; torch's SGD has none
    if cls is not Lion:
        # The single-tensor code path (torch 1.13's default) -- except NAdam, whose single-tensor
        # code in 1.13 computes mu_product_next = mu_product * mu * mu_next (mu counted twice; fixed
        # in torch 2.0 by pytorch/pytorch#92699). 1.13's multi-tensor NAdam has the right formula.
        kw["foreach"] = name == "nadam"
    return cls(params, **kw)


def make_schedule(spec, optimizer):
    if spec is None:
        return None
    name, kw = parse_spec(spec)
    cls, keys = SCHEDULES[name]
    args = {}
    for k, v in kw.items():
        if k not in keys:
            raise KeyError(f"{spec}: unknown key {k} (accepted: {', '.join(keys)})")
        args[keys[k]] = v
    return cls(optimizer, **args)


# --------------------------------------------------------------------------------------------
# running a case
# --------------------------------------------------------------------------------------------

def f32_list(values):
    return np.asarray(values, dtype=np.float64).astype(np.float32)


def run(case, perturb=None):
    """Trajectory as a float32 array (STEPS+1, d).

    perturb (for the sensitivity check): ("start", direction) moves theta_0 by one float32 ulp
    towards direction (+inf / -inf); ("noise", seed) moves every component of theta_t, t >= 1,
    by one ulp up or down (seeded random signs) right after each update, a model of an
    implementation that rounds differently at every step."""
    noise = None
    if perturb is not None and perturb[0] == "noise":
        noise = np.random.default_rng(perturb[1])
    problem = PROBLEMS[case["problem"]]
    p = torch.nn.Parameter(torch.from_numpy(f32_list(case["start"])))
    opt = make_optimizer(case["optimizer"], [p])
    sched = make_schedule(case["schedule"], opt)
    rows = []
    for t in range(case["steps"] + 1):
        if perturb is not None:
            if perturb[0] == "start" and t == 0:
                target = np.full(len(case["start"]), perturb[1], dtype=np.float32)
            elif noise is not None and t >= 1:
                target = np.where(noise.random(len(case["start"])) < 0.5, -np.inf, np.inf)
                target = target.astype(np.float32)
            else:
                target = None
            if target is not None:
                with torch.no_grad():
                    p.copy_(torch.from_numpy(np.nextafter(p.detach().numpy(), target)))
        rows.append(p.detach().numpy().copy())
        if t == case["steps"]:
            break
        theta = [float(v) for v in p.detach().numpy()]
        p.grad = torch.from_numpy(f32_list(problem["grad"](theta)))
        if case["clip_norm"] is not None:
            norm_type = case.get("clip_norm_type", 2.0)
            torch.nn.utils.clip_grad_norm_([p], case["clip_norm"],
                                           norm_type=math.inf if norm_type == "inf" else norm_type)
        opt.step()
        if sched is not None:
            sched.step()
    return np.stack(rows)


def sensitivity(case, base):
    worst = 0.0
    b = base.astype(np.float64)
    scale = np.maximum(np.abs(b).max(axis=1), 1e-30)
    for perturb in SENSITIVITY_RUNS:
        other = run(case, perturb=perturb).astype(np.float64)
        if not np.all(np.isfinite(other)):
            return math.inf
        rel = np.abs(other - b).max(axis=1) / scale
        worst = max(worst, float(rel.max()))
    return worst


SENSITIVITY_RUNS = [("start", math.inf), ("start", -math.inf),
                    ("noise", 1), ("noise", 2), ("noise", 3)]


# --------------------------------------------------------------------------------------------
# the cases
# --------------------------------------------------------------------------------------------

CASES = []


def case(problem, cid, optimizer, schedule=None, clip_norm=None, clip_norm_type=None):
    """clip_norm_type (norm_type of clip_grad_norm_, 2 when absent) is written only when given,
    as "inf" for the infinity norm."""
    full_id = f"{problem}.{cid}"
    if any(c["id"] == full_id for c in CASES):
        raise ValueError(f"duplicate id {full_id}")
    entries = [
        ("id", full_id),
        ("problem", problem),
        ("start", [float(v) for v in f32_list(PROBLEMS[problem]["start"])]),
        ("optimizer", optimizer),
        ("schedule", schedule),
        ("clip_norm", None if clip_norm is None else float(clip_norm)),
    ]
    if clip_norm_type is not None:
        entries.append(("clip_norm_type", "inf" if math.isinf(clip_norm_type) else float(clip_norm_type)))
    entries.append(("steps", STEPS))
    CASES.append(OrderedDict(entries))


def both(cid, rosenbrock, least_squares, **kw):
    """The same kind of run on both problems (specs may differ: Rosenbrock needs small lrs)."""
    case("rosenbrock", cid, rosenbrock, **kw)
    case("least_squares", cid, least_squares, **kw)


def define_cases():
    R, L = "rosenbrock", "least_squares"
    # SGD: Rosenbrock's curvature at the start is ~2100, so lr 1e-4 (1e-3 diverges).
    both("sgd", "sgd:lr=0.0001", "sgd:lr=0.05")
    both("sgd_momentum", "sgd:lr=0.0001,momentum=0.9", "sgd:lr=0.01,momentum=0.9")
    both("sgd_nesterov", "sgd:lr=0.0001,momentum=0.9,nesterov=true",
         "sgd:lr=0.01,momentum=0.9,nesterov=true")
    both("sgd_dampening", "sgd:lr=0.0001,momentum=0.9,dampening=0.5",
         "sgd:lr=0.01,momentum=0.9,dampening=0.5")
    both("sgd_weight_decay", "sgd:lr=0.0001,weight_decay=0.1", "sgd:lr=0.05,weight_decay=0.1")
    case(L, "sgd_maximize", "sgd:lr=0.001,maximize=true")
    case(L, "sgd_momentum_maximize", "sgd:lr=0.001,momentum=0.9,maximize=true")
    # Adam / AdamW
    both("adam", "adam", "adam")
    both("adam_lr0.01", "adam:lr=0.01", "adam:lr=0.01")
    both("adam_betas", "adam:lr=0.01,betas=0.8/0.99,eps=1e-6", "adam:lr=0.01,betas=0.8/0.99,eps=1e-6")
    both("adam_amsgrad", "adam:lr=0.01,amsgrad=true", "adam:lr=0.01,amsgrad=true")
    both("adam_weight_decay", "adam:lr=0.01,weight_decay=0.1", "adam:lr=0.01,weight_decay=0.1")
    case(L, "adam_maximize", "adam:lr=0.01,maximize=true")
    both("adamw", "adamw:lr=0.01", "adamw:lr=0.01")
    both("adamw_weight_decay", "adamw:lr=0.01,weight_decay=0.1", "adamw:lr=0.01,weight_decay=0.1")
    both("adamw_amsgrad", "adamw:lr=0.01,weight_decay=0.1,amsgrad=true",
         "adamw:lr=0.01,weight_decay=0.1,amsgrad=true")
    # RMSprop
    both("rmsprop", "rmsprop:lr=0.001", "rmsprop")
    both("rmsprop_centered", "rmsprop:lr=0.001,centered=true", "rmsprop:centered=true")
    both("rmsprop_momentum", "rmsprop:lr=0.0001,momentum=0.9", "rmsprop:lr=0.001,momentum=0.9")
    both("rmsprop_centered_momentum", "rmsprop:lr=0.0001,momentum=0.9,centered=true",
         "rmsprop:lr=0.001,momentum=0.9,centered=true")
    both("rmsprop_weight_decay", "rmsprop:lr=0.001,alpha=0.9,weight_decay=0.1",
         "rmsprop:alpha=0.9,weight_decay=0.1")
    case(L, "rmsprop_maximize", "rmsprop:maximize=true")
    # Adagrad
    both("adagrad", "adagrad", "adagrad")
    both("adagrad_lr0.1", "adagrad:lr=0.1", "adagrad:lr=0.1")
    both("adagrad_lr_decay", "adagrad:lr=0.1,lr_decay=0.01", "adagrad:lr=0.1,lr_decay=0.01")
    both("adagrad_initial_accumulator", "adagrad:lr=0.1,initial_accumulator_value=0.1",
         "adagrad:lr=0.1,initial_accumulator_value=0.1")
    both("adagrad_weight_decay", "adagrad:lr=0.1,weight_decay=0.1,eps=1e-6",
         "adagrad:lr=0.1,weight_decay=0.1,eps=1e-6")
    case(L, "adagrad_maximize", "adagrad:lr=0.1,maximize=true")
    # Adadelta
    both("adadelta", "adadelta", "adadelta")
    both("adadelta_lr0.5", "adadelta:lr=0.5", "adadelta:lr=0.5")
    both("adadelta_rho", "adadelta:rho=0.5,eps=1e-4,weight_decay=0.1",
         "adadelta:rho=0.5,eps=1e-4,weight_decay=0.1")
    case(L, "adadelta_maximize", "adadelta:maximize=true")
    # Adamax, NAdam, RAdam
    both("adamax", "adamax", "adamax")
    both("adamax_options", "adamax:lr=0.01,betas=0.8/0.99,weight_decay=0.1",
         "adamax:lr=0.01,betas=0.8/0.99,weight_decay=0.1")
    case(L, "adamax_maximize", "adamax:maximize=true")
    both("nadam", "nadam", "nadam")
    both("nadam_options", "nadam:lr=0.01,momentum_decay=0.01,weight_decay=0.1",
         "nadam:lr=0.01,momentum_decay=0.01,weight_decay=0.1")
    both("radam", "radam", "radam")
    # RAdam's first steps (rho_t <= 5: t <= 5 for beta2 = 0.999) are un-normalised momentum steps,
    # lr * m / bc1 ~ lr * 451 on Rosenbrock: lr = 0.01 diverges there, so Rosenbrock keeps 1e-3.
    case(L, "radam_lr0.01", "radam:lr=0.01")
    both("radam_options", "radam:lr=0.001,betas=0.8/0.99,weight_decay=0.1",
         "radam:lr=0.01,betas=0.8/0.99,weight_decay=0.1")
    # Rprop
    both("rprop", "rprop", "rprop")
    both("rprop_etas", "rprop:etas=0.3/1.5", "rprop:etas=0.3/1.5")
    both("rprop_step_sizes", "rprop:lr=0.001,step_sizes=0.0001/0.01",
         "rprop:lr=0.001,step_sizes=0.0001/0.01")
    case(L, "rprop_maximize", "rprop:maximize=true")
    # Lion
    both("lion", "lion:lr=0.001", "lion:lr=0.001")
    both("lion_weight_decay", "lion:lr=0.001,weight_decay=0.1", "lion:lr=0.001,weight_decay=0.1")
    both("lion_betas", "lion:lr=0.01,betas=0.95/0.98", "lion:lr=0.01,betas=0.95/0.98")
    case(L, "lion_maximize", "lion:lr=0.001,maximize=true")
    # clipping and schedules
    case(R, "sgd_clip", "sgd:lr=0.001", clip_norm=1.0)
    case(R, "adam_clip", "adam:lr=0.05", clip_norm=10)
    case(L, "sgd_momentum_clip", "sgd:lr=0.05,momentum=0.9", clip_norm=1.0)
    case(L, "sgd_momentum_step", "sgd:lr=0.01,momentum=0.9", schedule="step:step_size=30,gamma=0.5")
    case(L, "adam_cosine", "adam:lr=0.01", schedule="cosine:t_max=100")
    case(R, "adam_cosine", "adam:lr=0.01", schedule="cosine:t_max=100")
    case(L, "sgd_momentum_one_cycle", "sgd:lr=0.01,momentum=0.9",
         schedule="one_cycle:max_lr=0.05,total_steps=100")
    case(R, "adam_one_cycle", "adam", schedule="one_cycle:max_lr=0.01,total_steps=100")
    case(R, "adam_one_cycle_clip", "adam", schedule="one_cycle:max_lr=0.05,total_steps=100",
         clip_norm=10)
    case(R, "sgd_step_clip", "sgd:lr=0.001,momentum=0.5", schedule="step:step_size=30,gamma=0.5",
         clip_norm=1.0)
    # one_cycle cycles beta1 of every optimizer with betas (OneCycleLR writes group['betas'][0]).
    both("nadam_one_cycle", "nadam", "nadam", schedule="one_cycle:max_lr=0.01,total_steps=100")
    both("radam_one_cycle", "radam", "radam:lr=0.01", schedule="one_cycle:max_lr=0.01,total_steps=100")
    case(L, "lion_one_cycle", "lion", schedule="one_cycle:max_lr=0.001,total_steps=100")
    # SGD without momentum still has the 'momentum' key, so OneCycleLR accepts it and cycles it
    # (0.95 -> 0.85 -> 0.95): the run is momentum SGD.
    case(L, "sgd_one_cycle", "sgd:lr=0.01", schedule="one_cycle:max_lr=0.05,total_steps=100")
    # The infinity norm on a chaotic run: clip_grad_norm_ computes max_norm/(total + 1e-6) and the
    # clamp in float32 (the norm is a float32 tensor); the same coefficient in float64, rounded
    # once, departs from this trajectory by 1e-5 at step 22 and by 0.4 (relative) later: the run
    # is chaotic enough to pin PyTorch's arithmetic, yet every other operation reproduces it.
    case(R, "sgd_momentum_clip_inf", "sgd:lr=0.1,momentum=0.9", clip_norm=1, clip_norm_type=math.inf)


# --------------------------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------------------------

def main():
    define_cases()
    for c in CASES:
        traj = run(c)
        if not np.all(np.isfinite(traj)):
            raise ValueError(f"{c['id']}: the trajectory is not finite; change the case")
        assert traj.shape == (c["steps"] + 1, len(c["start"])), c["id"]
        c["trajectory"] = [[float(v) for v in row] for row in traj]
        c["sensitivity"] = None if ARGS.no_sensitivity else sensitivity(c, traj)

    header = OrderedDict([
        ("generator", "tools/generate_optimizer_goldens.py"),
        ("torch", torch.__version__),
        ("cpu_capability", ARGS.cpu_capability),
        ("sensitivity_method",
         "max over t of max_i|theta_t,i - theta'_t,i| / max(max_i|theta_t,i|, 1e-30), over five "
         "re-runs: theta_0 moved 1 float32 ulp up, down; and three (seeds 1, 2, 3) with every "
         "component of theta_t moved 1 ulp up or down at random after each update"),
        ("problems", OrderedDict([
            ("least_squares", OrderedDict([
                ("n", LS_N), ("d", LS_D),
                ("X", [v for row in LS_X for v in row]),
                ("y", LS_Y),
            ])),
        ])),
    ])
    head = json.dumps(header, allow_nan=False)[:-1]
    lines = [json.dumps(c, allow_nan=False) for c in CASES]
    text = head + ', "cases": [\n' + ",\n".join(lines) + "\n]}\n"
    json.loads(text)

    out = os.path.abspath(ARGS.out)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(out), prefix=".optimizers.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, out)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise

    print(f"wrote {out}: {len(CASES)} cases, {len(text)} bytes "
          f"(torch {torch.__version__}, ATEN_CPU_CAPABILITY={ARGS.cpu_capability})")
    print(f"{'id':44} {'optimizer':48} {'final theta':>34} {'sensitivity':>11}")
    for c in CASES:
        extra = "".join([f" [{c['schedule']}]" if c["schedule"] else "",
                         f" [clip {c['clip_norm']:g}]" if c["clip_norm"] is not None else ""])
        final = ", ".join(f"{v:.5g}" for v in c["trajectory"][-1])
        s = "-" if c["sensitivity"] is None else f"{c['sensitivity']:.2e}"
        print(f"{c['id']:44} {(c['optimizer'] + extra)[:48]:48} {final:>34} {s:>11}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
