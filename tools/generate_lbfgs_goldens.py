#!/usr/bin/python3
"""Generate the golden trajectories for LossLab's L-BFGS (torch.optim.LBFGS).

Run with Debian's PyTorch (torch 1.13.x):

    /usr/bin/python3 tools/generate_lbfgs_goldens.py

Writes tests/LossLab.Tests/Goldens/lbfgs.json (relative to the repository root).

Each case optimises one float32 parameter of 2 entries on a test surface with torch.optim.LBFGS
for a number of `step(closure)` calls. The closure follows LossLab's float helper for test
functions exactly: it reads the float32 parameter, evaluates the value and the gradient in float64
(the formulas below mirror src/LossLab/Functions term by term, so the float64 results are
bit-identical), and rounds both to float32 (p.grad is the rounded gradient, the returned loss a
float32 tensor).

Per case:
- `trajectory`: the parameter before the first step and after every step ([x, y] each, float32 values);
- `losses`: the value each `step` returned (orig_loss, the loss at the start of the step);
- `func_evals`: the optimizer's state['func_evals'] after each step (cumulative closure calls);
- `n_iter`: the optimizer's state['n_iter'] after each step (cumulative inner iterations).

Nothing is random, so re-running produces the identical file.
"""

import json
import os
from collections import OrderedDict

import torch

torch.set_num_threads(1)

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_PATH = os.path.join(REPO_ROOT, "tests", "LossLab.Tests", "Goldens", "lbfgs.json")


# --------------------------------------------------------------------------------------------
# test surfaces in float64: value and gradient (same expression order as the C# classes)
# --------------------------------------------------------------------------------------------

def rosenbrock(x, y):
    a = 1.0 - x
    b = y - x * x
    f = a * a + 100.0 * b * b
    gx = -2.0 * a - 400.0 * x * b
    gy = 200.0 * b
    return f, gx, gy


def beale(x, y):
    y2 = y * y
    y3 = y2 * y
    a = 1.5 - x + x * y
    b = 2.25 - x + x * y2
    c = 2.625 - x + x * y3
    f = a * a + b * b + c * c
    gx = 2.0 * a * (y - 1.0) + 2.0 * b * (y2 - 1.0) + 2.0 * c * (y3 - 1.0)
    gy = 2.0 * a * x + 2.0 * b * (2.0 * x * y) + 2.0 * c * (3.0 * x * y2)
    return f, gx, gy


def quadratic(x, y):
    f = 0.5 * (x * x + 100.0 * y * y)
    return f, x, 100.0 * y


FUNCTIONS = {"rosenbrock": rosenbrock, "beale": beale, "quadratic": quadratic}


# --------------------------------------------------------------------------------------------
# running one case
# --------------------------------------------------------------------------------------------

def run_case(case_id, function, start, steps, lr=1.0, max_iter=20, history_size=100, line_search_fn=None):
    fn = FUNCTIONS[function]
    p = torch.tensor(start, dtype=torch.float32, requires_grad=True)
    opt = torch.optim.LBFGS([p], lr=lr, max_iter=max_iter, history_size=history_size,
                            line_search_fn=line_search_fn)
    calls = [0]

    def closure():
        calls[0] += 1
        x, y = p.detach().double().tolist()
        f, gx, gy = fn(x, y)
        p.grad = torch.tensor([gx, gy], dtype=torch.float64).to(torch.float32)
        return torch.tensor(f, dtype=torch.float64).to(torch.float32)

    trajectory = [p.detach().tolist()]
    losses, func_evals, n_iter = [], [], []
    for _ in range(steps):
        loss = opt.step(closure)
        trajectory.append(p.detach().tolist())
        losses.append(float(loss))
        state = opt.state[p]
        func_evals.append(int(state["func_evals"]))
        n_iter.append(int(state["n_iter"]))
        assert state["func_evals"] == calls[0], (case_id, state["func_evals"], calls[0])

    return OrderedDict([
        ("id", case_id),
        ("function", function),
        ("start", [float(v) for v in torch.tensor(start, dtype=torch.float32).tolist()]),
        ("options", OrderedDict([
            ("lr", lr),
            ("max_iter", max_iter),
            ("history_size", history_size),
            ("line_search_fn", line_search_fn),
        ])),
        ("steps", steps),
        ("trajectory", trajectory),
        ("losses", losses),
        ("func_evals", func_evals),
        ("n_iter", n_iter),
    ])


STARTS = {"rosenbrock": [1.5, 1.5], "beale": [1.0, 1.0], "quadratic": [3.0, 2.0]}


def main():
    cases = []
    for function, start in STARTS.items():
        cases.append(run_case(f"{function}-none-lr1", function, start, 10, lr=1.0))
        cases.append(run_case(f"{function}-none-lr0.1", function, start, 10, lr=0.1))
        cases.append(run_case(f"{function}-strong_wolfe", function, start, 10, line_search_fn="strong_wolfe"))
        # short steps and a short history: state carried across many step calls, history eviction
        cases.append(run_case(f"{function}-strong_wolfe-iter4-hist3", function, start, 10,
                              max_iter=4, history_size=3, line_search_fn="strong_wolfe"))
        cases.append(run_case(f"{function}-none-lr0.1-iter3-hist2", function, start, 10, lr=0.1,
                              max_iter=3, history_size=2))
    doc = OrderedDict([
        ("generator", "tools/generate_lbfgs_goldens.py"),
        ("torch", torch.__version__),
        ("cases", cases),
    ])
    os.makedirs(os.path.dirname(OUT_PATH), exist_ok=True)
    with open(OUT_PATH, "w", encoding="utf-8") as fh:
        json.dump(doc, fh, indent=1)
        fh.write("\n")
    print(f"wrote {len(cases)} cases to {OUT_PATH}")


if __name__ == "__main__":
    main()
