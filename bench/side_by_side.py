#!/usr/bin/env python3
"""LossLab next to PyTorch on the same workloads, in one run.

Runs `losslab bench --json` (LossLab's suite) and the same workloads in PyTorch (float32, eager mode, the same
thread count: 1 thread for kernels and single training steps, 2 threads for the sweep), then prints one table of
times and the ratio PyTorch / LossLab (above 1: LossLab is faster). Then a CSV file (1,000,000 × 10, 200,000 with --quick)
written to a temporary folder: pandas.read_csv alone next to `losslab fit --solver closed_form --validation 0` (load and
fit) and `fit --stream`, each a fresh process timed with /usr/bin/time -v (wall time and peak resident memory).

Needs Debian's python3-torch (`apt-get install -y python3-torch`) and a Release build of the CLI:

    dotnet build src/LossLab.Cli -c Release
    /usr/bin/python3 bench/side_by_side.py [--quick] [--losslab-json FILE]

With --losslab-json the LossLab numbers are read from a file written by `losslab bench --json FILE` instead of
running the suite here.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import torch
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLI = os.path.join(ROOT, "src", "LossLab.Cli", "bin", "Release", "net10.0", "LossLab.Cli.dll")


def median_ms(fn, repetitions, warmup=3):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repetitions):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def kernels(elements, repetitions):
    g = torch.Generator().manual_seed(42)
    p = torch.rand(elements, generator=g) * 6 - 3
    t = torch.rand(elements, generator=g) * 6 - 3
    b = torch.randint(0, 2, (elements,), generator=g).float()
    logits = p.view(-1, 10)
    classes = torch.randint(0, 10, (elements // 10,), generator=g)
    out = torch.empty_like(p)
    results = {}

    def value_and_grad(loss_fn, x, target):
        def run():
            xp = x.detach().requires_grad_(True)
            loss = loss_fn(xp, target)
            loss.backward()
            return loss.item(), xp.grad
        return run

    results["floor"] = median_ms(lambda: torch.add(p, t, out=out), repetitions)
    results["kernel_mse"] = median_ms(value_and_grad(F.mse_loss, p, t), repetitions)
    results["kernel_l1"] = median_ms(value_and_grad(F.l1_loss, p, t), repetitions)
    results["kernel_huber"] = median_ms(value_and_grad(F.huber_loss, p, t), repetitions)
    results["kernel_bce_with_logits"] = median_ms(value_and_grad(F.binary_cross_entropy_with_logits, p, b), repetitions)
    results["kernel_cross_entropy"] = median_ms(value_and_grad(F.cross_entropy, logits, classes), repetitions)
    # The compute floor of the two transcendental kernels: one exp and one log per element over the same arrays.
    results["floor_exp_log"] = median_ms(lambda: torch.add(torch.exp(p), torch.log1p(torch.abs(t)), out=out), repetitions)
    soft = torch.rand(elements // 10, 10, generator=g)
    soft = soft / soft.sum(dim=1, keepdim=True)
    results["kernel_cross_entropy_probabilities_vs_exp_log"] = median_ms(value_and_grad(F.cross_entropy, logits, soft), repetitions)
    return results


def seed_data(n=100, seed=7):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 1, generator=g)
    y = 2 * x + 1 + 0.1 * torch.randn(n, 1, generator=g)
    return x, y


def linear_step_us(steps, repetitions):
    x, y = seed_data()
    model = torch.nn.Linear(1, 1)
    opt = torch.optim.SGD(model.parameters(), lr=0.01)

    def run():
        for _ in range(steps):
            opt.zero_grad()
            loss = F.mse_loss(model(x), y)
            loss.backward()
            opt.step()
    return median_ms(run, repetitions) * 1000 / steps


def mlp_step_us(steps, repetitions):
    g = torch.Generator().manual_seed(3)
    x = torch.rand(4096, 16, generator=g) * 2 - 1
    beta = torch.sin(torch.arange(1, 17, dtype=torch.float32))
    y = (0.5 + x @ beta + 0.1 * (torch.rand(4096, generator=g) * 2 - 1)).unsqueeze(1)
    model = torch.nn.Sequential(torch.nn.Linear(16, 64), torch.nn.ReLU(), torch.nn.Linear(64, 64), torch.nn.ReLU(), torch.nn.Linear(64, 1))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    state = {"order": torch.randperm(4096, generator=g), "cursor": 0}

    def run():
        for _ in range(steps):
            if state["cursor"] + 256 > 4096:
                state["order"] = torch.randperm(4096, generator=g)
                state["cursor"] = 0
            idx = state["order"][state["cursor"]:state["cursor"] + 256]
            state["cursor"] += 256
            opt.zero_grad()
            loss = F.mse_loss(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
    return median_ms(run, repetitions) * 1000 / steps


def mlp_784_step_us(hidden, rows, steps, repetitions):
    """An mlp 784-H-H-1 (relu, mse, adam, batch 256) as LossLab's mlp_784_H_step: shuffled mini-batches of 256 rows."""
    g = torch.Generator().manual_seed(11)
    x = torch.rand(rows, 784, generator=g) * 2 - 1
    y = torch.rand(rows, 1, generator=g)
    model = torch.nn.Sequential(torch.nn.Linear(784, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, hidden), torch.nn.ReLU(),
                                torch.nn.Linear(hidden, 1))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    state = {"order": torch.randperm(rows, generator=g), "cursor": 0}

    def run():
        for _ in range(steps):
            if state["cursor"] + 256 > rows:
                state["order"] = torch.randperm(rows, generator=g)
                state["cursor"] = 0
            idx = state["order"][state["cursor"]:state["cursor"] + 256]
            state["cursor"] += 256
            opt.zero_grad()
            loss = F.mse_loss(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
    return median_ms(run, repetitions, warmup=1) * 1000 / steps


def sweep_configs_per_s(configs):
    x, y = seed_data()
    losses = {"mse": F.mse_loss, "l1": F.l1_loss, "huber": F.huber_loss, "smooth_l1": F.smooth_l1_loss,
              "log_cosh": lambda p, t: torch.mean(torch.log(torch.cosh(p - t)))}
    optimizers = {
        "sgd": lambda ps, lr: torch.optim.SGD(ps, lr=lr),
        "momentum": lambda ps, lr: torch.optim.SGD(ps, lr=lr, momentum=0.9),
        "adam": lambda ps, lr: torch.optim.Adam(ps, lr=lr),
        "rmsprop": lambda ps, lr: torch.optim.RMSprop(ps, lr=lr),
        "adagrad": lambda ps, lr: torch.optim.Adagrad(ps, lr=lr),
    }
    grid = [(l, o, lr, s) for l in losses for o in optimizers for lr in (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3) for s in range(5)]
    grid = grid[::max(1, len(grid) // configs)][:configs]
    start = time.perf_counter()
    for loss_name, opt_name, lr, seed in grid:
        torch.manual_seed(seed)
        model = torch.nn.Linear(1, 1)
        opt = optimizers[opt_name](model.parameters(), lr)
        loss_fn = losses[loss_name]
        for _ in range(100):
            opt.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            opt.step()
    return len(grid) / (time.perf_counter() - start)


def write_csv(path, rows, seed=1):
    """The CSV file of the csv_* rows: x1 … x9 standard normal with six decimals, y = 0.5 + Σ (j/10)·x_j + N(0, 0.1²)."""
    import numpy as np
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((rows, 9)).round(6)
    y = 0.5 + x @ (np.arange(1, 10) / 10) + 0.1 * rng.standard_normal(rows)
    header = ",".join([f"x{j}" for j in range(1, 10)] + ["y"])
    np.savetxt(path, np.column_stack([x, y]), fmt="%.6f", delimiter=",", header=header, comments="")


def peak_rss_mb(command):
    """Wall seconds and peak resident memory (MB) of a child process, from /usr/bin/time -v."""
    start = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-v"] + command, check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    rss = next(int(line.split(":")[1]) for line in done.stderr.splitlines() if "Maximum resident set size" in line)
    return seconds, rss / 1024, done.stdout


def csv_side_by_side(rows, repetitions):
    """pandas.read_csv alone next to `losslab fit --solver closed_form --validation 0` (load + fit) on the same file,
    each a fresh process, alternated so that drift of the machine hits both alike; medians of the wall times and peaks."""
    import tempfile
    folder = tempfile.mkdtemp(prefix="losslab-csv-")
    path = os.path.join(folder, "big.csv")
    try:
        write_csv(path, rows)
        pandas = [sys.executable, "-c", "import sys, time, pandas; t = time.perf_counter(); pandas.read_csv(sys.argv[1]); "
                  "print(time.perf_counter() - t)", path]
        fit = ["dotnet", CLI, "fit", "--data", path, "--target", "y", "--solver", "closed_form", "--validation", "0"]
        stream = ["dotnet", CLI, "fit", "--data", path, "--target", "y", "--stream"]
        runs = {"pandas": [], "read_csv": [], "fit": [], "stream": []}
        for _ in range(repetitions):
            seconds, rss, out = peak_rss_mb(pandas)
            runs["pandas"].append((seconds, rss))
            runs["read_csv"].append((float(out.strip()), rss))
            runs["fit"].append(peak_rss_mb(fit)[:2])
            runs["stream"].append(peak_rss_mb(stream)[:2])
        return {k: (statistics.median(s for s, _ in v), statistics.median(m for _, m in v)) for k, v in runs.items()}, os.path.getsize(path)
    finally:
        if os.path.exists(path):
            os.remove(path)
        os.rmdir(folder)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smaller workloads (as losslab bench --quick)")
    parser.add_argument("--losslab-json", help="read LossLab's numbers from this file instead of running the suite")
    args = parser.parse_args()

    if args.losslab_json:
        with open(args.losslab_json, encoding="utf-8") as f:
            ours = json.load(f)
    else:
        if not os.path.exists(CLI):
            sys.exit(f"side_by_side: {CLI} is missing; build it first: dotnet build src/LossLab.Cli -c Release")
        command = ["dotnet", CLI, "bench", "--json"] + (["--quick"] if args.quick else [])
        ours = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
    quick = bool(ours.get("quick"))
    mine = {r["name"]: r for r in ours["results"]}

    torch.set_num_threads(1)
    elements = 1_000_000 if quick else 10_000_000
    reps = 5 if quick else 15
    theirs = kernels(elements, reps)
    theirs["linear_step"] = linear_step_us(200 if quick else 2000, reps)
    theirs["mlp_step"] = mlp_step_us(16 if quick else 64, reps)
    torch.set_num_threads(2)
    theirs["mlp_step_2_threads"] = mlp_step_us(16 if quick else 64, reps)
    theirs["sweep_1000_2_threads"] = sweep_configs_per_s(50 if quick else 250)
    # The 784-H-H-1 steps on 2 threads, as LossLab's single fit splits a large layer's products over 2 threads.
    for hidden in (256, 1024):
        steps = (2 if quick else 4) if hidden >= 1024 else (8 if quick else 24)
        theirs[f"mlp_784_{hidden}_step"] = mlp_784_step_us(hidden, 1024 if quick else 2048, steps, reps)

    print(f"machine: {ours['machine']}")
    print("LossLab (losslab bench" + (" --quick" if quick else "") + "):")
    for r in ours["results"]:
        floor = "" if r.get("floor") is None else f"{r['floor']:.4g}"
        ratio = "" if r.get("ratio_to_floor") is None else f"{r['ratio_to_floor']:.2f}"
        print(f"  {r['name']:<46} {r['value']:>10.4g} {r['unit']:<10} {floor:>8} {ratio:>6}")
    print()
    for hidden in (256, 1024):
        name = f"mlp_784_{hidden}_gflops"
        if name in mine:
            flops = mine[f"mlp_784_{hidden}_step"]["value"] * mine[name]["value"] * 1000
            print(f"mlp_784_{hidden}: LossLab {mine[name]['value']:.1f} GFLOP/s = {mine[name]['ratio_to_floor']:.0%} of the 2-thread FMA peak "
                  f"({mine[name]['floor']:.1f} GFLOP/s); PyTorch {flops / theirs[f'mlp_784_{hidden}_step'] / 1000:.1f} GFLOP/s")
    print()
    print(f"PyTorch {torch.__version__}, float32, eager; 1 thread for kernels and steps (LossLab's are 1 thread too), 2 for the sweep"
          " and the mlp 784-H-H-1 steps"
          f"{' (quick)' if quick else ''}")
    print(f"{'workload':<24} {'LossLab':>12} {'PyTorch':>12} {'unit':<10} {'PyTorch / LossLab':>18}")
    rows = [("floor (add)", mine["kernel_mse"]["floor"], theirs["floor"], "ms", False)]
    for name in ("kernel_mse", "kernel_l1", "kernel_huber", "kernel_bce_with_logits", "kernel_cross_entropy"):
        rows.append((name, mine[name]["value"], theirs[name], "ms", False))
    rows.append(("floor (exp + log)", mine["floor_exp_log"]["value"], theirs["floor_exp_log"], "ms", False))
    rows.append(("cross_entropy soft labels", mine["kernel_cross_entropy_probabilities_vs_exp_log"]["value"],
                 theirs["kernel_cross_entropy_probabilities_vs_exp_log"], "ms", False))
    rows.append(("linear_step", mine["linear_step"]["value"], theirs["linear_step"], "µs", False))
    rows.append(("mlp_step", mine["mlp_step"]["value"], theirs["mlp_step"], "µs", False))
    rows.append(("mlp_step vs PyTorch 2 thr", mine["mlp_step"]["value"], theirs["mlp_step_2_threads"], "µs", False))
    for hidden in (256, 1024):
        name = f"mlp_784_{hidden}_step"
        if name in mine:
            rows.append((name + " (2 thr)", mine[name]["value"], theirs[name], "µs", False))
    rows.append(("sweep_1000_2_threads", mine["sweep_1000_2_threads"]["value"], theirs["sweep_1000_2_threads"], "configs/s", True))
    for name, a, b, unit, higher_is_better in rows:
        ratio = (a / b) if higher_is_better else (b / a)
        print(f"{name:<24} {a:>12.4g} {b:>12.4g} {unit:<10} {ratio:>17.2f}×")

    csv_rows = 200_000 if quick else 1_000_000
    csv, size = csv_side_by_side(csv_rows, 3 if quick else 5)
    print()
    print(f"CSV, {csv_rows:,} × 10 ({size / 1e6:.0f} MB), separate processes, medians (wall s, peak RSS MB):")
    print(f"  pandas {pandas_version()}: python -c read_csv     {csv['pandas'][0]:>8.3f} s {csv['pandas'][1]:>8.0f} MB   (read_csv call alone {csv['read_csv'][0]:.3f} s)")
    print(f"  losslab fit --solver closed_form  {csv['fit'][0]:>8.3f} s {csv['fit'][1]:>8.0f} MB"
          f"   read_csv call / LossLab process {csv['read_csv'][0] / csv['fit'][0]:.2f}×, pandas process / LossLab process {csv['pandas'][0] / csv['fit'][0]:.2f}×")
    print(f"  losslab fit --stream              {csv['stream'][0]:>8.3f} s {csv['stream'][1]:>8.0f} MB")
    tag = "200k_x10" if quick else "1m_x10"
    if f"csv_load_{tag}" in mine:
        print(f"  in-process (losslab bench): load {mine[f'csv_load_{tag}']['value']:.3f} s, load + fit {mine[f'csv_fit_closed_form_{tag}']['value']:.3f} s")


def pandas_version():
    import pandas
    return pandas.__version__


if __name__ == "__main__":
    main()
