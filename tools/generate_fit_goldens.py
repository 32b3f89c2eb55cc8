#!/usr/bin/env python3
"""Golden `fit --trace` trajectories from real PyTorch, for LossLab's parity test.

Run with Debian's PyTorch:  /usr/bin/python3 tools/generate_fit_goldens.py
Writes tests/LossLab.Cli.Tests/Goldens/fit_traces.json.

The data follow the guide's example (x ~ N(0,1), y = 2x + 1 + 0.1·N(0,1), n = 100), drawn here with a fixed torch
seed and stored in the file, so both sides train on the same float32 numbers. Each case is a linear model
nn.Linear(1, 1) started at zero, trained full batch (one step per epoch) without standardisation — what
`losslab fit --standardize false --init zeros --validation 0` does. Row k of a trace is the state after k updates:
the loss at that state, the learning rate and gradient norm of the step that produced it, and (w, b).
"""
import json
import os
import sys

# Unfused float32 kernels: the reference then does not depend on the machine's vector extensions.
os.environ.setdefault("ATEN_CPU_CAPABILITY", "default")
import torch  # noqa: E402

EPOCHS = 50
LOSSES = {
    "mse": lambda: torch.nn.MSELoss(),
    "l1": lambda: torch.nn.L1Loss(),
    "huber": lambda: torch.nn.HuberLoss(delta=1.0),
}
OPTIMIZERS = {
    "sgd:lr=0.1": lambda p: torch.optim.SGD(p, lr=0.1),
    "sgd:lr=0.05,momentum=0.9": lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9),
    "adam:lr=0.1": lambda p: torch.optim.Adam(p, lr=0.1),
    "rmsprop:lr=0.01": lambda p: torch.optim.RMSprop(p, lr=0.01),
    "adagrad:lr=0.5": lambda p: torch.optim.Adagrad(p, lr=0.5),
}


def data():
    g = torch.Generator().manual_seed(2024)
    x = torch.randn(100, 1, generator=g, dtype=torch.float32)
    y = 2 * x + 1 + 0.1 * torch.randn(100, 1, generator=g, dtype=torch.float32)
    return x, y


def run(x, y, loss_name, optimizer_spec):
    model = torch.nn.Linear(1, 1)
    with torch.no_grad():
        model.weight.zero_()
        model.bias.zero_()
    loss_fn = LOSSES[loss_name]()
    optimizer = OPTIMIZERS[optimizer_spec](model.parameters())
    lr = optimizer.param_groups[0]["lr"]
    rows = []
    grad_norm = None
    for _ in range(EPOCHS):
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        rows.append([float(loss.item()), lr, grad_norm, float(model.weight.item()), float(model.bias.item())])
        grads = torch.cat([model.weight.grad.reshape(-1), model.bias.grad.reshape(-1)]).double()
        grad_norm = float(grads.norm())
        optimizer.step()
    with torch.no_grad():
        loss = loss_fn(model(x), y)
    rows.append([float(loss.item()), lr, grad_norm, float(model.weight.item()), float(model.bias.item())])
    return rows


def main():
    x, y = data()
    cases = []
    for loss_name in LOSSES:
        for spec in OPTIMIZERS:
            cases.append({"id": f"{loss_name}.{spec}", "loss": loss_name, "optimizer": spec, "epochs": EPOCHS,
                          "trace": run(x, y, loss_name, spec)})
    document = {"generator": "tools/generate_fit_goldens.py", "torch": torch.__version__,
                "x": [float(v) for v in x.reshape(-1)], "y": [float(v) for v in y.reshape(-1)],
                "trace_columns": ["loss", "lr", "grad_norm", "w", "b"], "cases": cases}
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "..", "tests", "LossLab.Cli.Tests", "Goldens", "fit_traces.json")
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(document, f)
        f.write("\n")
    os.replace(tmp, path)
    print(f"{len(cases)} cases -> {os.path.relpath(path)}")


if __name__ == "__main__":
    sys.exit(main())
