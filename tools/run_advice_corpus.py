#!/usr/bin/env python3
"""Runs `losslab advise` on every case of tests/AdviceCorpus and compares it with the expert choice.

Usage (from the repository root, after `dotnet build src/LossLab.Cli -c Release`):

    python3 tools/run_advice_corpus.py [--write-doc] [--only FILE,...]

For each case of tests/AdviceCorpus/corpus.json it runs
`dotnet src/LossLab.Cli/bin/Release/net10.0/LossLab.Cli.dll advise --data FILE --target T --json`,
then scores the answer as docs/ADVICE.md defines it: the main agreement is the task plus a loss in the case's
`acceptable_losses`; metric, dropped columns, flagged bad-leverage rows and time order are scored separately.
Prints one line per case and the counts; with --write-doc it fills the "advisor said" column and the agreement
line of docs/ADVICE.md and rewrites the table "Advisor results" in it. Needs only the Python standard library.
"""
import json
import os
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "tests", "AdviceCorpus")
CLI = os.path.join(ROOT, "src", "LossLab.Cli", "bin", "Release", "net10.0", "LossLab.Cli.dll")


def family(loss, optimizer):
    """The loss family of an advisor spec, in the corpus' vocabulary."""
    name = loss.split(":")[0]
    if optimizer == "mm" or name == "tukey":
        return "mm"
    return {
        "poisson_nll": "poisson",
        "bce_with_logits": "bce",
        "bce": "bce",
        "focal": "focal",
        "cross_entropy": "cross_entropy",
    }.get(name, name)


def acceptable(expert):
    names = set()
    for a in expert["acceptable_losses"] + [expert["loss_family"]]:
        a = a.strip()
        if a.startswith("high_breakdown"):
            names.update(["mm", "lts"])
        elif a == "mse_or_huber":
            names.update(["mse", "huber"])
        elif a == "bce_with_logits":
            names.add("bce")
        else:
            names.add(a)
    return names


def run(case):
    args = ["dotnet", CLI, "advise", "--data", os.path.join(CORPUS, case["file"]), "--target", case["target"], "--json"]
    started = time.time()
    p = subprocess.run(args, capture_output=True, text=True, cwd=ROOT)
    seconds = time.time() - started
    if p.returncode != 0:
        return None, p.stderr.strip(), seconds
    return json.loads(p.stdout), None, seconds


def score(case, out):
    e = case["expert"]
    d = out["diagnostics"]
    rec = out["recommendation"]
    fam = family(rec["loss"], rec["optimizer"])
    task_ok = out["task"] == e["task"]
    loss_ok = task_ok and fam in acceptable(e)
    metric = out["metric"]["name"]
    metric_ok = metric == e["metric"]
    notes = " ".join(d.get("column_notes") or [])
    drops = e.get("drop_columns") or []
    dropped_ok = all(f"'{c}'" in notes and "dropped" in notes for c in drops) if drops else not ("dropped" in notes)
    expected_rows = set(e.get("bad_leverage_rows") or [])
    found_rows = set(d.get("bad_leverage_rows") or [])
    rows_ok = expected_rows <= found_rows if expected_rows else True
    time_ok = bool(d.get("time_column")) == bool(e.get("time_ordered"))
    shape = d.get("target_kind")
    return {
        "task_ok": task_ok,
        "loss_ok": loss_ok,
        "metric_ok": metric_ok,
        "dropped_ok": dropped_ok,
        "rows_ok": rows_ok,
        "time_ok": time_ok,
        "family": fam,
        "metric": metric,
        "shape": shape,
        "verdict": out["verdict"],
        "initial": rec.get("initial_loss"),
        "loss": rec["loss"],
        "optimizer": rec["optimizer"],
        "found_rows": sorted(found_rows),
    }


def main():
    write_doc = "--write-doc" in sys.argv
    only = None
    if "--only" in sys.argv:
        only = set(sys.argv[sys.argv.index("--only") + 1].split(","))
    cases = json.load(open(os.path.join(CORPUS, "corpus.json")))["cases"]
    results = []
    for i, case in enumerate(cases, 1):
        if only and case["file"] not in only:
            continue
        out, error, seconds = run(case)
        if out is None:
            print(f"{i:2d} {case['file']}: ERROR {error}")
            results.append((i, case, None, error, seconds))
            continue
        s = score(case, out)
        results.append((i, case, s, None, seconds))
        marks = "".join("✓" if s[k] else "✗" for k in ("loss_ok", "metric_ok", "dropped_ok", "rows_ok", "time_ok"))
        print(f"{i:2d} {case['file']:30s} {marks}  {s['family']:14s} {s['metric']:17s} {s['shape'] or '-':15s} {s['verdict']:13s} {seconds:5.1f}s  ({rec_text(s)})")
    scored = [r for r in results if r[2] is not None]
    n = len(results)
    counts = {k: sum(1 for r in scored if r[2][k]) for k in ("loss_ok", "metric_ok", "dropped_ok", "rows_ok", "time_ok")}
    verdicts = {}
    for r in scored:
        verdicts[r[2]["verdict"]] = verdicts.get(r[2]["verdict"], 0) + 1
    summary = (f"loss agreements {counts['loss_ok']} of {n}; metric {counts['metric_ok']} of {n}; dropped columns "
               f"{counts['dropped_ok']} of {n}; bad-leverage rows {counts['rows_ok']} of {n}; time order {counts['time_ok']} of {n}; "
               f"verdicts: " + ", ".join(f"{v} {k}" for k, v in sorted(verdicts.items())) + f"; errors {n - len(scored)}")
    print(summary)
    if write_doc and not only:
        write(results, summary)


def rec_text(s):
    if s["optimizer"] == "mm":
        text = f"--solver mm --loss {s['loss']}"
    else:
        text = f"{s['loss']} + {s['optimizer']}"
    if s["initial"] and s["initial"] != s["loss"]:
        text += f"; first choice {s['initial']}"
    return text


def write(results, summary):
    path = os.path.join(ROOT, "docs", "ADVICE.md")
    doc = open(path, encoding="utf-8").read()
    lines = ["| # | data set | advisor: loss (optimizer) | family | target kind | metric | verdict | loss | metric | dropped | leverage rows | time |",
             "|---:|---|---|---|---|---|---|:-:|:-:|:-:|:-:|:-:|"]
    for i, case, s, error, _ in results:
        if s is None:
            lines.append(f"| {i} | `{case['file']}` | error: {error} | | | | | ✗ | ✗ | ✗ | ✗ | ✗ |")
            continue
        mark = lambda k: "✓" if s[k] else "✗"
        lines.append(f"| {i} | `{case['file']}` | `{rec_text(s)}` | {s['family']} | {s['shape'] or '—'} | {s['metric']} | {s['verdict']} | "
                     f"{mark('loss_ok')} | {mark('metric_ok')} | {mark('dropped_ok')} | {mark('rows_ok')} | {mark('time_ok')} |")
    table = "\n".join(lines)
    begin, end = "<!-- advisor-results:begin -->", "<!-- advisor-results:end -->"
    block = f"{begin}\n\nAgreement count (`python3 tools/run_advice_corpus.py --write-doc`): {summary}.\n\n{table}\n\n{end}"
    if begin in doc:
        doc = re.sub(re.escape(begin) + ".*?" + re.escape(end), lambda _: block, doc, flags=re.S)
    else:
        doc = doc.rstrip("\n") + "\n\n## Advisor results\n\n" + block + "\n"
    doc = doc.replace("Agreement count: _not yet run_.", f"Agreement count: {summary} (table \"Advisor results\" below).")
    open(path, "w", encoding="utf-8").write(doc)


if __name__ == "__main__":
    main()
