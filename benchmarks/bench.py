"""Speed of ``vectra-lint check`` against libcst's parse alone, on Django's ``django/`` package.

Prints the two ratios the project tracks (issue 13), each the median of a few alternating rounds:

- default run / parse: the wall time of ``vectra-lint check`` (all default rules, the default
  number of jobs) against a one-process libcst parse of the same files;
- ``--jobs 1`` / parse: the CPU time (user + system) of ``vectra-lint check --jobs 1`` against the
  CPU time of the same one-process parse. CPU time is what a busy host moves least.

Each ratio is measured twice in the same rounds: with concise output and with JSON output (issue
25: the report of 31k diagnostics must not move them much). What each output format's report
costs on its own is ``benchmarks/reporting.py``'s to measure.

It also prints the host's floor for the first ratio: the same parse split over as many processes
as the default run uses, against the one-process parse. A default run that only parsed would
score that; on a host whose cores slow each other down it is well above 1 / cores.

Each run is divided by the mean of the parses measured just before and just after it, and each
ratio is the median of those quotients over the rounds (their range beside it): a shared host's
speed drifts by a third within minutes, and the best parse and the best check of a run, taken
apart, could come from a fast and a slow minute. Runs and parses alternate, so each parse serves
the run before it and the run after it. The best times are printed too.

1.0 means a full check costs what parsing alone does. The package is byte-compiled first, as pip
compiles an installed one: a development checkout where ``PYTHONDONTWRITEBYTECODE`` is set would
otherwise compile every module at each start (about 0.09 s), which no installed copy does.

It also prints the peak resident memory of the largest process of the runs (a worker, in the
default run). The result cache, when there is one, is switched off: this measures a cold run.

    python benchmarks/bench.py [--rounds N] [--select CODES]
"""

from __future__ import annotations

import argparse
import compileall
import json
import multiprocessing
import os
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import libcst as cst

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.corpus import django_project, python_files  # noqa: E402


@dataclass(frozen=True)
class Timing:
    """Wall and CPU seconds of one measured run."""

    wall: float
    cpu: float


def parse_only(sources: list[bytes]) -> Timing:
    """Parse every file with libcst, sequentially, in this process."""
    start, start_cpu = time.perf_counter(), time.process_time()
    for source in sources:
        try:
            cst.parse_module(source)
        except cst.ParserSyntaxError:
            pass
    return Timing(time.perf_counter() - start, time.process_time() - start_cpu)


def _parse_quietly(sources: list[bytes]) -> None:
    parse_only(sources)


def parse_in_processes(sources: list[bytes], processes: int) -> float:
    """Wall time of parsing ``sources`` split over ``processes`` forked processes, one share each.

    What a default run on this host can at best achieve against ``parse_only``: on a host whose
    cores slow each other down (shared caches, memory bandwidth), well under ``processes`` times.
    """
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_parse_quietly, args=(sources[share::processes],)) for share in range(processes)]
    start = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return time.perf_counter() - start


def byte_compile_package() -> None:
    """Write the package's bytecode, as installing it would (see the module docstring)."""
    compileall.compile_dir(str(Path(__file__).resolve().parent.parent / "vectra_lint"), quiet=1)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def check(project: Path, extra: list[str], output_format: str = "concise") -> tuple[Timing, int]:
    """Time ``vectra-lint check`` on ``project``'s django package (its workers' CPU included) and
    count what it printed."""
    command = [sys.executable, "-m", "vectra_lint", "check", str(project / "django"), "--output-format", output_format]
    command += ["--exit-zero", "--config", str(project / "pyproject.toml"), *_no_cache(), *extra]
    start, start_cpu = time.perf_counter(), _children_cpu()
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    timing = Timing(time.perf_counter() - start, _children_cpu() - start_cpu)
    if completed.returncode != 0:
        sys.stderr.write(completed.stderr)
        raise SystemExit(f"vectra-lint failed with exit code {completed.returncode}")
    if output_format == "json":
        return timing, len(json.loads(completed.stdout))
    lines = [line for line in completed.stdout.splitlines() if ": VL" in line or ": E" in line or ": W" in line]
    return timing, len(lines)


def _no_cache() -> list[str]:
    # A cold run: switch the result cache off where this version has one.
    completed = subprocess.run(
        [sys.executable, "-m", "vectra_lint", "check", "--help"], capture_output=True, text=True, check=False
    )
    return ["--no-cache"] if "--no-cache" in completed.stdout else []


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} ({min(values):.2f}-{max(values):.2f})"


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds; the best of each is kept")
    parser.add_argument("--select", help="rules to run (default: all rules on by default, Ruff's E/W included)")
    args = parser.parse_args()
    project = django_project()
    package = project / "django"
    files = python_files(package)
    sources = [file.read_bytes() for file in files]
    lines = sum(source.count(b"\n") for source in sources)
    extra = ["--select", args.select] if args.select else []
    jobs = os.cpu_count() or 1
    byte_compile_package()
    parses: list[Timing] = []
    floors: list[float] = []
    formats = ("concise", "json")
    defaults: dict[str, list[Timing]] = {output_format: [] for output_format in formats}
    singles: dict[str, list[Timing]] = {output_format: [] for output_format in formats}
    ratios: dict[tuple[str, str], list[float]] = {}
    found = 0
    kinds = (("default", []), ("single", ["--jobs", "1"]))
    # Alternating, so that a passing burst of load on the host hits every kind of run alike; each
    # run against the parses just before and just after it.
    before = parse_only(sources)
    parses.append(before)
    for _ in range(args.rounds):
        floors.append(parse_in_processes(sources, jobs) / before.wall)
        for output_format in formats:
            for kind, options in kinds:
                timing, found = check(project, [*extra, *options], output_format)
                after = parse_only(sources)
                parses.append(after)
                if kind == "default":
                    defaults[output_format].append(timing)
                    ratio = timing.wall / ((before.wall + after.wall) / 2)
                else:
                    singles[output_format].append(timing)
                    ratio = timing.cpu / ((before.cpu + after.cpu) / 2)
                ratios.setdefault((kind, output_format), []).append(ratio)
                before = after
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    out = sys.stdout
    out.write(f"corpus: {package} ({len(files)} files, {lines} lines), {os.cpu_count()} CPUs, {found} diagnostics\n")
    out.write(f"{args.rounds} rounds; best times:\n")
    out.write(f"libcst parse only (1 process): {min(t.wall for t in parses):8.2f} s wall, ")
    out.write(f"{min(t.cpu for t in parses):8.2f} s CPU\n")
    for output_format in formats:
        default_wall = min(t.wall for t in defaults[output_format])
        single_cpu = min(t.cpu for t in singles[output_format])
        out.write(f"vectra-lint check (default jobs, {output_format} output): {default_wall:8.2f} s wall\n")
        out.write(f"vectra-lint check --jobs 1 ({output_format} output): {single_cpu:8.2f} s CPU\n")
    out.write("ratios, each run against the parses just before and after it (median of the rounds, their range):\n")
    for output_format in formats:
        out.write(f"ratio default run / parse (wall, {output_format} output): ")
        out.write(f"{_spread(ratios['default', output_format])}  [target <= 0.8]\n")
    for output_format in formats:
        out.write(f"ratio --jobs 1 / parse (CPU, {output_format} output): ")
        out.write(f"{_spread(ratios['single', output_format])}  [target <= 1.3]\n")
    out.write(f"this host's floor for the first ratio ({jobs}-process parse / parse, wall): {_spread(floors)}\n")
    out.write(f"peak memory of one process: {peak_mb:.0f} MB\n")


if __name__ == "__main__":
    main()
