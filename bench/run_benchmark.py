"""`make bench`: how the build scales, as ratios to a floor measured in the same run.

For each corpus size (default 1,000 and 10,000 synthetic articles, bench/generate_corpus.py) it
times, each in its own process with its peak memory (ru_maxrss of that process, from wait4), every step but
the release write three times (`repeated`: the median, the highest peak; the cold build and the floor
`--cold-runs` times, the build's outputs removed before each cold build):

- Prefect's fixed start-up: a trivial one-task flow with the build's Prefect environment
  (bench/prefect_startup.py), measured again for every size because it varies from run to run;
- a cold build (`ofsted-dataset --root <corpus> build`, no release yet), a no-op rebuild, and a
  rebuild after changing one mapping (one recommendation's theme);
- writing a release on its own (bench/release_write.py): the built tables published whole into an empty
  project (Parquet, CSV, DuckDB file, page, zip, checksums, verification), to read the one-change
  figure against;
- the floor (bench/floor.py): read every file, parse every mapping, write the six tables.

With `--dask`, a second cold build of the same corpus runs on a throw-away local Dask cluster
(OFSTED_DASK_ADDRESS=local, 2 worker processes), and its data files must be byte-identical to the
default runner's. `--max-peak-mb` fails the run when any step of the pipeline's peak memory exceeds it: the
floor, which holds every row as Python objects (about 7 GB at 100,000 articles), is a yardstick of time, not
of memory, and is left out.

Corpora live outside the repository (default /tmp/ofsted-bench); the committed official extract is
copied into each so the official-checks stage does its real work, and OFSTED_OFFICIAL_SOURCES points
at missing local files so no network is tried. Results: bench/results.json and bench/RESULTS.md.

    python -m bench.run_benchmark [--sizes 1000,10000] [--workdir /tmp/ofsted-bench] [--timeout 3600]
                                  [--dask] [--max-peak-mb MB] [--cold-runs 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.generate_corpus import generate

PROJECT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
BUILD_STEPS = ("cold_build", "noop_rebuild", "one_mapping_changed")
UNLIMITED_STEPS = ("floor",)  # not the pipeline: --max-peak-mb does not apply (the module's docstring says why)
CORPUS_INPUTS = ("raw", "mappings", "reference")  # a generated corpus: what a build reads, and all it holds before one


def run_measured(cmd: list[str], env: dict[str, str], log: Path, timeout: float) -> dict[str, Any]:
    """Run `cmd`; its wall time and its own peak RSS (wait4 on its pid, not every child's maximum)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {}
    with log.open("wb") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, cwd=PROJECT, stdout=out, stderr=subprocess.STDOUT)

        def reap() -> None:
            _, status, usage = os.wait4(proc.pid, 0)
            result.update(status=status, maxrss_kb=usage.ru_maxrss, seconds=time.perf_counter() - started)

        waiter = threading.Thread(target=reap, daemon=True)
        waiter.start()
        waiter.join(timeout)
        timed_out = waiter.is_alive()
        if timed_out:
            proc.kill()
            waiter.join()
        proc.returncode = os.waitstatus_to_exitcode(result["status"])  # reaped here, not by Popen
    tail = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-3:]
    return {"seconds": round(result["seconds"], 3), "peak_mb": round(result["maxrss_kb"] / 1024, 1),
            "exit": proc.returncode, "timed_out": timed_out, "log": str(log), "tail": tail}


def change_one_mapping(corpus: Path) -> str:
    """Flip the theme of the first recommendation found: a PATCH-level change to one record."""
    for path in sorted((corpus / "mappings").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        match = re.search(r'^    theme: "([a-z_]+)"$', text, re.MULTILINE)
        if match:
            new = "other" if match.group(1) != "other" else "workforce"
            path.write_text(text[:match.start(1)] + new + text[match.end(1):], encoding="utf-8")
            return f"{path.name}: theme {match.group(1)} -> {new}"
    raise RuntimeError("no recommendation to change in the corpus")


def data_digest(corpus: Path) -> str:
    """One digest of the current release's data files (names and bytes)."""
    data = corpus / "published" / os.readlink(corpus / "published" / "current") / "data"
    digest = hashlib.sha256()
    for path in sorted(data.iterdir()):
        digest.update(path.name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def dask_build(corpus: Path, env: dict[str, str], logs: Path, timeout: float) -> dict[str, Any]:
    """A cold build of a copy of `corpus` on a local Dask cluster; `identical` compares its data files
    with the default runner's release of the same corpus."""
    copy = corpus.with_name(corpus.name + "-dask")
    shutil.rmtree(copy, ignore_errors=True)
    for folder in CORPUS_INPUTS:
        shutil.copytree(corpus / folder, copy / folder)
    env = {**env, "OFSTED_DASK_ADDRESS": "local", "OFSTED_DASK_WORKERS": "2",
           "DASK_TEMPORARY_DIRECTORY": str(copy / "dask-scratch")}
    step = run_measured([str(BIN / "ofsted-dataset"), "--root", str(copy), "build"], env, logs / "dask_cold_build.log",
                        timeout)
    step["identical"] = step["exit"] == 0 and data_digest(copy) == data_digest(corpus)
    if not step["identical"] and step["exit"] == 0:
        step["exit"] = 1  # a different output is a failure of the run
    return step


def without_build_outputs(corpus: Path) -> None:
    """The corpus as generated: its inputs (CORPUS_INPUTS), nothing a build wrote beside them."""
    for path in corpus.iterdir():
        if path.name in CORPUS_INPUTS:
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()


def bench_size(n: int, seed: int, workdir: Path, env: dict[str, str], timeout: float,
               dask: bool = False, cold_runs: int = 3) -> dict[str, Any]:
    corpus = workdir / f"n{n}"
    shutil.rmtree(corpus, ignore_errors=True)
    started = time.perf_counter()
    generate(corpus, n, seed)
    generated = time.perf_counter() - started
    shutil.copytree(PROJECT / "reference" / "official", corpus / "reference" / "official")
    env = {**env, "OFSTED_OFFICIAL_SOURCES": f"a.ods={corpus}/missing-a.ods;b.ods={corpus}/missing-b.ods"}
    logs = workdir / "logs" / f"n{n}"
    build = [str(BIN / "ofsted-dataset"), "--root", str(corpus), "build"]
    steps: dict[str, Any] = {}
    print(f"N={n}: corpus generated in {generated:.1f} s ({corpus})", flush=True)
    steps["prefect_startup"] = repeated(lambda i: run_measured(
        [sys.executable, "-m", "bench.prefect_startup", str(corpus)], env, logs / f"prefect_startup-{i}.log", timeout))

    def cold(i: int) -> dict[str, Any]:
        without_build_outputs(corpus)
        return run_measured(build, env, logs / f"cold_build-{i}.log", timeout)

    steps["cold_build"] = repeated(cold, cold_runs)  # the last leaves the release the next steps build on
    steps["noop_rebuild"] = repeated(lambda i: run_measured(build, env, logs / f"noop_rebuild-{i}.log", timeout))
    changes: list[str] = []

    def one_change(i: int) -> dict[str, Any]:
        changes.append(change_one_mapping(corpus))
        return run_measured(build, env, logs / f"one_mapping_changed-{i}.log", timeout)

    steps["one_mapping_changed"] = repeated(one_change)
    steps["one_mapping_changed"]["change"] = changes
    steps["release_write"] = run_measured([sys.executable, "-m", "bench.release_write", str(corpus),
                                           str(workdir / "release-write" / f"n{n}")], env,
                                          logs / "release_write.log", timeout)
    if dask:
        steps["dask_cold_build"] = dask_build(corpus, env, logs, timeout)
    steps["floor"] = repeated(lambda i: run_measured(
        [sys.executable, "-m", "bench.floor", str(corpus), "--out", str(workdir / "floor-out" / f"n{n}")], env,
        logs / f"floor-{i}.log", timeout), cold_runs)
    for name, step in steps.items():
        print(f"  {name}: {step['seconds']:.1f} s, {step['peak_mb']:.0f} MB, exit {step['exit']}", flush=True)
    return {"n": n, "seed": seed, "generate_seconds": round(generated, 2), "steps": steps}


REPEATS = 3  # runs of each step that costs seconds, not minutes; the median is reported


def repeated(measure: Callable[[int], dict[str, Any]], times: int = REPEATS) -> dict[str, Any]:
    """A step measured `times` times, as one: the median time (this machine's speed varies by a third from one
    minute to the next, and one sample of Prefect's start-up, subtracted from every build, moved the one-change
    figure by two seconds), the highest peak, the first failure; every run's seconds are kept."""
    runs = [measure(i) for i in range(times)]
    failed = [run for run in runs if run["exit"] != 0 or run["timed_out"]]
    step = dict(failed[0] if failed else runs[0])
    step.update(seconds=round(statistics.median(run["seconds"] for run in runs), 3),
                peak_mb=max(run["peak_mb"] for run in runs), runs=[run["seconds"] for run in runs])
    return step


def _ratio(value: float, floor: float) -> str:
    return f"{value / floor:.1f}×" if floor > 0 else "-"


def render_markdown(results: dict[str, Any]) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Run {results['when']} on {results['machine']}; `make bench` (bench/run_benchmark.py) writes this file.",
        "Prefect's first start in a new PREFECT_HOME (creates its database): "
        f"{results['prefect_first_start']['seconds']:.1f} s.",
        "",
        "Ratios are to the floor (bench/floor.py, read + parse + write the six tables with pyarrow), wall time of "
        "whole processes. \"Excluding Prefect\" subtracts the trivial flow's time measured in the same run. "
        f"Every step but the release write is run {REPEATS} times (the cold build and the floor "
        f"{results['cold_runs']}): its "
        "median, and its highest peak, are shown (every run's seconds are in results.json).",
        "",
        "| N | step | seconds | ratio to floor | excluding Prefect start-up (s) | its ratio | peak MB | exit |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for run in results["runs"]:
        steps, n = run["steps"], run["n"]
        floor, prefect = steps["floor"]["seconds"], steps["prefect_startup"]["seconds"]
        for name, step in steps.items():
            sec = step["seconds"]
            ex = ex_ratio = ""
            if name in BUILD_STEPS:
                ex, ex_ratio = f"{sec - prefect:.1f}", _ratio(sec - prefect, floor)
            exit_text = "timeout" if step["timed_out"] else str(step["exit"])
            if "identical" in step:
                exit_text += ", data byte-identical" if step["identical"] else ", data DIFFERS"
            lines.append(f"| {n:,} | {name} | {sec:.1f} | {_ratio(sec, floor)} | {ex} | {ex_ratio} | "
                         f"{step['peak_mb']:.0f} | {exit_text} |")
        lines.append(f"| {n:,} | (generate corpus, in-process) | {run['generate_seconds']:.1f} | | | | | |")
    return "\n".join(lines) + "\n"


def failures(results: dict[str, Any], max_peak_mb: float | None) -> list[str]:
    """The steps that failed, timed out, or (of the pipeline's) peaked above `max_peak_mb`."""
    failed = [f"N={r['n']} {k}" for r in results["runs"] for k, s in r["steps"].items() if s["exit"] != 0]
    if max_peak_mb:
        failed += [f"N={r['n']} {k} peaked at {s['peak_mb']:.0f} MB (limit {max_peak_mb:.0f})"
                   for r in results["runs"] for k, s in r["steps"].items()
                   if k not in UNLIMITED_STEPS and s["peak_mb"] > max_peak_mb]
    return failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated corpus sizes")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/ofsted-bench"),
                        help="where corpora, logs and the Prefect database go (outside the repository)")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds allowed per process")
    parser.add_argument("--results", type=Path, default=PROJECT / "bench",
                        help="folder for results.json and RESULTS.md")
    parser.add_argument("--dask", action="store_true",
                        help="also a cold build on a local Dask cluster, whose data must be byte-identical")
    parser.add_argument("--max-peak-mb", type=float, default=None, help="fail when a step's peak memory exceeds it")
    parser.add_argument("--cold-runs", type=int, default=REPEATS,
                        help="cold builds and floors per size, each cold build from the corpus as generated (the "
                             "median is reported)")
    args = parser.parse_args(argv)
    workdir = args.workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PREFECT_HOME": str(workdir / "prefect-home")}
    env.pop("PREFECT_API_URL", None)  # the embedded server, as a plain `make run` uses
    shutil.rmtree(workdir / "prefect-home", ignore_errors=True)
    first = run_measured([sys.executable, "-m", "bench.prefect_startup", str(workdir)], env,
                         workdir / "logs" / "prefect_first_start.log", args.timeout)
    print(f"Prefect first start (creates its database): {first['seconds']:.1f} s", flush=True)
    results: dict[str, Any] = {
        "when": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.node()}, {os.cpu_count()} CPU(s), Python {platform.python_version()}",
        "prefect_first_start": first,
        "cold_runs": args.cold_runs,
        "runs": [],
    }
    for n in (int(s) for s in args.sizes.split(",") if s.strip()):
        results["runs"].append(bench_size(n, args.seed, workdir, env, args.timeout, args.dask, args.cold_runs))
        args.results.mkdir(parents=True, exist_ok=True)  # written after every size: a long run keeps its results
        (args.results / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        (args.results / "RESULTS.md").write_text(render_markdown(results), encoding="utf-8")
    print()
    print(render_markdown(results))
    failed = failures(results, args.max_peak_mb)
    if failed:
        print(f"failed: {', '.join(failed)} (see the logs in {workdir / 'logs'})", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
