#!/usr/bin/python3
"""Generate the golden sequences for LossLab's learning-rate schedules.

Run with Debian's PyTorch (torch 1.13.x) -- the interpreter at /usr/bin/python3:

    /usr/bin/python3 tools/generate_schedule_goldens.py

Writes tests/LossLab.Tests/Goldens/schedules.json (relative to the repository root).

Every case drives a real torch.optim.lr_scheduler scheduler the way a training loop does: a dummy
optimizer (SGD, or Adam where noted) on one parameter; for each step i it reads
param_groups[0]['lr'] (and 'momentum', or betas[0] for Adam, for one_cycle) BEFORE the optimizer
step, then calls optimizer.step() and scheduler.step() (scheduler.step(metrics[i]) for
reduce_on_plateau). So lr[i] is the value used by update i, which is LossLab's Schedule.At(i).

Case fields:
  id        unique name
  spec      LossLab's spec string (ScheduleCatalog.Create(spec, base_lr))
  base_lr   the optimizer's initial lr (one_cycle ignores it: it starts at max_lr/div_factor)
  steps     the number of values recorded
  lr        the learning rates, steps values
  momentum  one_cycle with cycle_momentum: the momentum (SGD) or beta1 (Adam) per step; else null
  metrics   reduce_on_plateau: the metric reported after update i; else null

The metric sequences are deterministic formulas, so re-running produces the identical file.
"""

import json
import math
import os
import tempfile
import warnings

import torch
from torch.optim import SGD, Adam
from torch.optim import lr_scheduler as sch

warnings.filterwarnings("ignore")
torch.set_num_threads(1)

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_PATH = os.path.join(REPO_ROOT, "tests", "LossLab.Tests", "Goldens", "schedules.json")
STEPS = 60

CASES = []
IDS = set()


# --------------------------------------------------------------------------------------------
# spec strings
# --------------------------------------------------------------------------------------------

def fmt_num(v):
    """A number as LossLab's spec parser reads it back to the identical double."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    v = float(v)
    if v == int(v) and abs(v) < 1e15:
        return str(int(v))
    s = repr(v)
    if "e" in s:  # 1e-07 -> 1e-7
        mant, exp = s.split("e")
        sign = "-" if exp.startswith("-") else ""
        s = mant + "e" + sign + exp.lstrip("+-").lstrip("0")
    assert float(s) == v, (s, v)
    return s


def fmt_val(v):
    if isinstance(v, (list, tuple)):
        return "/".join(fmt_num(x) for x in v)
    if isinstance(v, str):
        return v
    return fmt_num(v)


def spec(name, **params):
    """name:key=value,... in the order given (keys are PyTorch's argument names)."""
    if not params:
        return name
    return name + ":" + ",".join(f"{k}={fmt_val(v)}" for k, v in params.items())


# --------------------------------------------------------------------------------------------
# the scheduler factories (torch argument names, as written in the spec)
# --------------------------------------------------------------------------------------------

def torch_scheduler(opt, name, params):
    p = dict(params)
    if name == "constant":
        return sch.ConstantLR(opt, **p)
    if name == "step":
        return sch.StepLR(opt, **p)
    if name == "multi_step":
        return sch.MultiStepLR(opt, **p)
    if name == "exponential":
        return sch.ExponentialLR(opt, **p)
    if name == "linear":
        return sch.LinearLR(opt, **p)
    if name == "polynomial":
        return sch.PolynomialLR(opt, **p)
    if name == "cosine":
        return sch.CosineAnnealingLR(opt, T_max=p.pop("t_max"), **p)
    if name == "cosine_warm_restarts":
        return sch.CosineAnnealingWarmRestarts(opt, T_0=p.pop("t_0"), T_mult=p.pop("t_mult", 1), **p)
    if name == "one_cycle":
        return sch.OneCycleLR(opt, **p)
    if name == "reduce_on_plateau":
        return sch.ReduceLROnPlateau(opt, **p)
    raise KeyError(name)


def natural_length(name, params):
    """The step at which the next schedule of a chain takes over (as ScheduleCatalog defines it)."""
    defaults = {"constant": 5, "linear": 5, "polynomial": 5}
    if name in defaults:
        return params.get("total_iters", defaults[name])
    if name == "cosine":
        return params["t_max"]
    if name == "one_cycle":
        return params["total_steps"]
    raise ValueError(f"{name} has no natural length")


# --------------------------------------------------------------------------------------------
# running a case
# --------------------------------------------------------------------------------------------

def make_optimizer(kind, base_lr):
    p = torch.nn.Parameter(torch.zeros(1, dtype=torch.float64))
    p.grad = torch.zeros_like(p)
    if kind == "sgd":
        return SGD([p], lr=base_lr, momentum=0.9)
    if kind == "adam":
        return Adam([p], lr=base_lr)
    raise KeyError(kind)


def add(case_id, chain, base_lr, steps=STEPS, optimizer="sgd", metrics=None):
    """chain: [(name, params), ...]; more than one entry is torch's SequentialLR."""
    if case_id in IDS:
        raise ValueError(f"duplicate id {case_id}")
    IDS.add(case_id)
    opt = make_optimizer(optimizer, base_lr)
    schedulers = [torch_scheduler(opt, name, params) for name, params in chain]
    if len(schedulers) == 1:
        scheduler = schedulers[0]
    else:
        milestones, at = [], 0
        for name, params in chain[:-1]:
            at += natural_length(name, params)
            milestones.append(at)
        scheduler = sch.SequentialLR(opt, schedulers, milestones)

    one_cycle = len(chain) == 1 and chain[0][0] == "one_cycle"
    cycled = one_cycle and chain[0][1].get("cycle_momentum", True)
    lrs, moms = [], []
    for i in range(steps):
        group = opt.param_groups[0]
        lrs.append(float(group["lr"]))
        if cycled:
            moms.append(float(group["betas"][0] if optimizer == "adam" else group["momentum"]))
        opt.step()
        if metrics is not None:
            scheduler.step(metrics[i])
        else:
            scheduler.step()

    for x in lrs + moms:
        if not math.isfinite(x):
            raise ValueError(f"{case_id}: non-finite value {x}")
    CASES.append({
        "id": case_id,
        "spec": ">".join(spec(name, **params) for name, params in chain),
        "base_lr": base_lr,
        "steps": steps,
        "lr": lrs,
        "momentum": moms if cycled else None,
        "metrics": [float(m) for m in metrics] if metrics is not None else None,
    })
    return lrs, moms


def expect(case_id, got, want, tol=1e-12):
    if len(got) != len(want) or any(abs(g - w) > tol * max(1.0, abs(w)) for g, w in zip(got, want)):
        raise AssertionError(f"{case_id}: {got} != {want}")


# --------------------------------------------------------------------------------------------
# the cases
# --------------------------------------------------------------------------------------------

def build():
    # ConstantLR
    add("constant_default", [("constant", {})], 0.1)
    add("constant_half_12", [("constant", {"factor": 0.5, "total_iters": 12})], 0.05)
    add("constant_quarter_1", [("constant", {"factor": 0.25, "total_iters": 1})], 1.0)

    # StepLR
    add("step_7_half", [("step", {"step_size": 7, "gamma": 0.5})], 0.1)
    add("step_20_default_gamma", [("step", {"step_size": 20})], 1.0)
    add("step_1_0.9", [("step", {"step_size": 1, "gamma": 0.9})], 0.3)

    # MultiStepLR (torch keeps the milestones in a Counter: a repeated milestone decays twice)
    add("multi_step_10_25_40", [("multi_step", {"milestones": [10, 25, 40], "gamma": 0.5})], 0.1)
    add("multi_step_repeated", [("multi_step", {"milestones": [5, 5, 30]})], 1.0)
    add("multi_step_unsorted_zero", [("multi_step", {"milestones": [33, 0, 12], "gamma": 0.3})], 0.2)

    # ExponentialLR
    add("exponential_0.95", [("exponential", {"gamma": 0.95})], 0.1)
    add("exponential_0.8", [("exponential", {"gamma": 0.8})], 2.0)
    add("exponential_1.01", [("exponential", {"gamma": 1.01})], 0.01)

    # LinearLR
    add("linear_default", [("linear", {})], 0.1)
    add("linear_warmup_20", [("linear", {"start_factor": 0.1, "end_factor": 1.0, "total_iters": 20})], 0.5)
    add("linear_decay_40", [("linear", {"start_factor": 1.0, "end_factor": 0.05, "total_iters": 40})], 0.02)

    # PolynomialLR
    add("polynomial_default", [("polynomial", {})], 0.1)
    add("polynomial_30_square", [("polynomial", {"total_iters": 30, "power": 2.0})], 0.4)
    add("polynomial_50_sqrt", [("polynomial", {"total_iters": 50, "power": 0.5})], 1.0)

    # CosineAnnealingLR (no restart: it rises again after t_max)
    add("cosine_20", [("cosine", {"t_max": 20})], 0.1)
    add("cosine_15_eta_min", [("cosine", {"t_max": 15, "eta_min": 0.01})], 0.2)
    add("cosine_60", [("cosine", {"t_max": 60, "eta_min": 1e-4})], 1.0)
    add("cosine_7", [("cosine", {"t_max": 7, "eta_min": 0.001})], 0.05)

    # CosineAnnealingWarmRestarts
    add("warm_restarts_10", [("cosine_warm_restarts", {"t_0": 10})], 0.1)
    add("warm_restarts_5_x2", [("cosine_warm_restarts", {"t_0": 5, "t_mult": 2})], 0.5)
    add("warm_restarts_3_x3_eta_min", [("cosine_warm_restarts", {"t_0": 3, "t_mult": 3, "eta_min": 0.01})], 0.3)

    # OneCycleLR: PyTorch's own test sequences first (total_steps 10, SGD)
    lr, mom = add("one_cycle_torch_linear",
                  [("one_cycle", {"max_lr": 25.0, "total_steps": 10, "anneal_strategy": "linear",
                                  "final_div_factor": 2.0, "base_momentum": 1.0, "max_momentum": 22.0})],
                  0.1, steps=10)
    expect("one_cycle_torch_linear", lr, [1, 13, 25, 21.5, 18, 14.5, 11, 7.5, 4, 0.5])
    expect("one_cycle_torch_linear", mom, [22, 11.5, 1, 4, 7, 10, 13, 16, 19, 22])
    lr, _ = add("one_cycle_torch_three_phase",
                [("one_cycle", {"max_lr": 25.0, "total_steps": 10, "pct_start": 0.4, "anneal_strategy": "linear",
                                "final_div_factor": 4.0, "three_phase": True,
                                "base_momentum": 1.0, "max_momentum": 22.0})],
                0.1, steps=10)
    expect("one_cycle_torch_three_phase", lr, [1, 9, 17, 25, 17, 9, 1, 0.75, 0.5, 0.25])
    add("one_cycle_default", [("one_cycle", {"max_lr": 0.1, "total_steps": STEPS})], 0.1)
    add("one_cycle_linear", [("one_cycle", {"max_lr": 0.5, "total_steps": STEPS, "pct_start": 0.25,
                                            "anneal_strategy": "linear", "div_factor": 10.0,
                                            "final_div_factor": 100.0})], 0.1)
    add("one_cycle_three_phase", [("one_cycle", {"max_lr": 1.0, "total_steps": STEPS, "pct_start": 0.35,
                                                 "three_phase": True, "base_momentum": 0.8,
                                                 "max_momentum": 0.9})], 0.1)
    add("one_cycle_adam", [("one_cycle", {"max_lr": 0.003, "total_steps": STEPS, "pct_start": 0.1})],
        0.001, optimizer="adam")
    add("one_cycle_no_momentum", [("one_cycle", {"max_lr": 0.2, "total_steps": STEPS,
                                                 "cycle_momentum": False})], 0.1)

    # ReduceLROnPlateau: PyTorch's test sequence first. Its test reads the lr AFTER each
    # scheduler.step(metric); here lr[0] is the lr before the first report, so lr[1:] is that list.
    metrics = [10 - i * 0.0165 for i in range(23)]
    lr, _ = add("plateau_torch_abs",
                [("reduce_on_plateau", {"patience": 5, "threshold_mode": "abs", "threshold": 0.1})],
                0.5, steps=23, metrics=metrics)
    expect("plateau_torch_abs", lr, [0.5] + [0.5] * 6 + [0.05] * 7 + [0.005] * 7 + [0.0005] * 2)
    add("plateau_torch_abs_60",
        [("reduce_on_plateau", {"patience": 5, "threshold_mode": "abs", "threshold": 0.1})],
        0.5, metrics=[10 - i * 0.0165 for i in range(STEPS)])
    # min mode, rel threshold, cooldown and a floor: a loss that improves, then stalls with noise
    noisy = [1.0 / (1 + 0.2 * i) + 0.02 * math.sin(1.7 * i) if i < 25 else 0.2 + 0.01 * math.cos(2.3 * i)
             for i in range(STEPS)]
    add("plateau_min_rel_cooldown",
        [("reduce_on_plateau", {"factor": 0.5, "patience": 3, "threshold": 0.01, "cooldown": 2,
                                "min_lr": 0.01})],
        0.1, metrics=noisy)
    # max mode (an accuracy that climbs and saturates)
    acc = [min(0.9, 0.5 + 0.03 * i) + 0.004 * math.sin(3.1 * i) for i in range(STEPS)]
    add("plateau_max_rel", [("reduce_on_plateau", {"mode": "max", "factor": 0.2, "patience": 2})],
        0.1, metrics=acc)
    add("plateau_max_abs_eps",
        [("reduce_on_plateau", {"mode": "max", "factor": 0.3, "patience": 1, "threshold": 0.005,
                                "threshold_mode": "abs", "cooldown": 1, "eps": 1e-4})],
        0.01, metrics=acc)

    # SequentialLR: each schedule takes over at the previous one's natural length
    add("seq_linear_cosine", [("linear", {"start_factor": 0.1, "total_iters": 10}),
                              ("cosine", {"t_max": 50})], 0.1)
    add("seq_constant_exponential", [("constant", {"factor": 0.5, "total_iters": 8}),
                                     ("exponential", {"gamma": 0.9})], 0.2)
    add("seq_linear_constant_step", [("linear", {"start_factor": 0.2, "total_iters": 6}),
                                     ("constant", {"factor": 0.5, "total_iters": 9}),
                                     ("step", {"step_size": 7, "gamma": 0.5})], 0.3)
    add("seq_cosine_polynomial_multi_step", [("cosine", {"t_max": 12, "eta_min": 0.01}),
                                             ("polynomial", {"total_iters": 20, "power": 2.0}),
                                             ("multi_step", {"milestones": [4, 10], "gamma": 0.5})], 0.1)


def main():
    build()
    header = {"generator": "tools/generate_schedule_goldens.py", "torch": torch.__version__}
    head = json.dumps(header)[:-1]  # drop the closing brace
    lines = [json.dumps(c, allow_nan=False) for c in CASES]
    text = head + ', "cases": [\n' + ",\n".join(lines) + "\n]}\n"
    json.loads(text)  # sanity: valid JSON

    os.makedirs(os.path.dirname(OUT_PATH), exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(OUT_PATH), prefix=".schedules.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600
        os.replace(tmp, OUT_PATH)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    print(f"wrote {len(CASES)} cases to {os.path.relpath(OUT_PATH, REPO_ROOT)}")


if __name__ == "__main__":
    main()
