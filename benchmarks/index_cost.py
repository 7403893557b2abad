"""What the project index costs: ``vectra-lint check`` on Django with the index-using rules on and off.

The index-using rules (VL207, VL301, VL303, VL304, VL305, VL306) add the module summary to the
single walk of every file, report pending diagnostics that must be located, and build the
project index once in the project phase. This script times the same run with them on and off,
alternating the two to spread machine noise evenly, and prints the ratio of the fastest runs.

    python benchmarks/index_cost.py [--repeat N] [--jobs N] [--base VL] [--instructions db]

``--base`` is the selection both runs start from (default ``VL``: every vectra-lint rule on by
default, Ruff off since it runs as a separate process and costs the same in both runs); the "off"
run ignores the index-using rules on top of it.

Wall and CPU times vary by several percent between identical runs on a shared machine. With
``--instructions SUBFOLDER`` (valgrind installed), the script also counts the instructions of
both configurations on ``django/SUBFOLDER`` in one process, with garbage collection off and a
fixed hash seed: a count that does not depend on the machine's load (GC pauses, which depend on
how many objects are alive, are excluded).
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.corpus import django_project, python_files  # noqa: E402

INDEX_RULES = ("VL207", "VL301", "VL303", "VL304", "VL305", "VL306")
VECTRA_LINT = Path(sys.executable).with_name("vectra-lint")
TIMEOUT = 600


def _empty_config() -> Path:
    # The benchmark project's own empty config: see ``corpus.django_project``.
    return django_project() / "pyproject.toml"


def _command(package: Path, base: str, ignore: tuple[str, ...], jobs: str | None) -> list[str]:
    command = [str(VECTRA_LINT), "check", str(package), "--config", str(_empty_config())]
    command += ["--select", base, "--exit-zero", "--output-format", "concise"]
    if ignore:
        command += ["--ignore", ",".join(ignore)]
    if jobs:
        command += ["--jobs", jobs]
    return command


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str]) -> tuple[float, float, int]:
    """Wall seconds and CPU seconds (all processes) of one run, and its diagnostic count."""
    cpu = _children_cpu()
    start = time.perf_counter()
    # A stuck run dumps its Python stacks (faulthandler on SIGABRT) instead of hanging the benchmark.
    environment = {**os.environ, "PYTHONFAULTHANDLER": "1"}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment)
    try:
        stdout, stderr = process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGABRT)
        stdout, stderr = process.communicate()
        sys.stderr.write(stderr)
        raise SystemExit(f"vectra-lint did not finish within {TIMEOUT} s: {' '.join(command)}") from None
    elapsed = time.perf_counter() - start
    if process.returncode != 0:
        sys.stderr.write(stderr)
        raise SystemExit(f"vectra-lint failed with exit code {process.returncode}")
    return elapsed, _children_cpu() - cpu, sum(1 for line in stdout.splitlines() if ": VL" in line)


def _inner(folder: Path, base: str, on: bool) -> None:
    """One in-process run (what ``--instructions`` measures under callgrind)."""
    import gc

    from vectra_lint.config.loader import Overrides, load
    from vectra_lint.config.projects import Projects
    from vectra_lint.pipeline.discovery import discover
    from vectra_lint.pipeline.runner import Mode, _process_chunk
    from vectra_lint.pipeline.settle import finish_project

    gc.disable()
    ignore = () if on else INDEX_RULES
    settings = load(_empty_config(), Overrides(select=tuple(base.split(",")), ignore=ignore), Path.cwd())
    projects = Projects(lambda _config, _root: (settings, ""), _empty_config())
    tasks = sorted(discover([folder], projects, Path.cwd(), False).tasks, key=lambda task: task.display)
    finish_project(_process_chunk(tasks, settings, Mode()), settings)


def instructions(folder: Path, base: str) -> None:
    """Count both configurations' instructions with callgrind and print the ratio."""
    counts: dict[str, int] = {}
    for name in ("off", "on"):
        with tempfile.TemporaryDirectory() as temp:
            command = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={temp}/out"]
            command += [sys.executable, __file__, "--inner", name, "--base", base, str(folder)]
            completed = subprocess.run(
                command, capture_output=True, text=True, check=False, env={**os.environ, "PYTHONHASHSEED": "0"}
            )
            found = re.search(r"Collected : (\d+)", completed.stderr)
            if completed.returncode != 0 or found is None:
                raise SystemExit(f"callgrind failed: {completed.stderr[-2000:]}")
            counts[name] = int(found[1])
    sys.stdout.write(
        f"instructions on {folder.name}/ (GC off): off {counts['off'] / 1e9:.2f} G, on {counts['on'] / 1e9:.2f} G, "
        f"cost {100 * (counts['on'] / counts['off'] - 1):+.1f}%\n"
    )


def main() -> None:
    """Run both configurations alternately and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5, help="runs of each configuration (default 5)")
    parser.add_argument("--jobs", help="passed to vectra-lint (default: its own, the CPU count)")
    parser.add_argument("--base", default="VL", help="the selection both runs start from (default VL)")
    parser.add_argument("--instructions", metavar="SUBFOLDER", help="also count instructions on django/SUBFOLDER")
    parser.add_argument("--inner", choices=("on", "off"), help=argparse.SUPPRESS)
    parser.add_argument("folder", nargs="?", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        _inner(args.folder, args.base, args.inner == "on")
        return
    package = django_project() / "django"
    files = python_files(package)
    on = _command(package, args.base, (), args.jobs)
    off = _command(package, args.base, INDEX_RULES, args.jobs)
    timed(on)  # warm the file system cache and the interpreter's bytecode cache
    wall: dict[str, list[float]] = {"on": [], "off": []}
    cpu: dict[str, list[float]] = {"on": [], "off": []}
    found: dict[str, int] = {}
    for _ in range(args.repeat):
        for name, command in (("off", off), ("on", on)):
            seconds, cpu_seconds, diagnostics = timed(command)
            wall[name].append(seconds)
            cpu[name].append(cpu_seconds)
            found[name] = diagnostics
    out = sys.stdout
    out.write(f"corpus: {package} ({len(files)} files), selection {args.base!r}, {args.repeat} runs each\n")
    for name in ("off", "on"):
        out.write(
            f"index rules {name:>3}: wall min {min(wall[name]):6.2f} s median {statistics.median(wall[name]):6.2f} s"
            f" | cpu min {min(cpu[name]):6.2f} s median {statistics.median(cpu[name]):6.2f} s"
            f" ({found[name]} diagnostics)\n"
        )
    for label, values in (("wall", wall), ("cpu", cpu)):
        ratio = min(values["on"]) / min(values["off"])
        median_ratio = statistics.median(values["on"]) / statistics.median(values["off"])
        out.write(
            f"cost of the index rules ({label}): {100 * (ratio - 1):+.1f}% (fastest runs), "
            f"{100 * (median_ratio - 1):+.1f}% (medians)\n"
        )
    if args.instructions:
        instructions(package / args.instructions, args.base)


if __name__ == "__main__":
    main()
