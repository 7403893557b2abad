"""Speed of ``vectra-lint check`` against libcst's parse alone, on Django's ``django/`` package.

Prints, from one run: the libcst parse-only time over every file in one process, the wall time
of ``vectra-lint check`` over the same files (all rules, default jobs), and their ratio. The
ratio is the number the project tracks: 1.0 means a full check costs what parsing alone does.

    python benchmarks/bench.py [--jobs N] [--select CODES]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import libcst as cst

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.corpus import django_package, python_files  # noqa: E402


def parse_only(files: list[Path]) -> float:
    """Seconds to parse every file with libcst, sequentially, in this process."""
    sources = [file.read_bytes() for file in files]
    start = time.perf_counter()
    for source in sources:
        try:
            cst.parse_module(source)
        except cst.ParserSyntaxError:
            pass
    return time.perf_counter() - start


def check(package: Path, extra: list[str]) -> tuple[float, int]:
    """Wall seconds of ``vectra-lint check`` on ``package`` and how many diagnostics it printed."""
    command = [sys.executable, "-m", "vectra_lint", "check", str(package), "--output-format", "concise"]
    command += ["--exit-zero", "--config", str(_empty_config()), *extra]
    start = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if completed.returncode != 0:
        sys.stderr.write(completed.stderr)
        raise SystemExit(f"vectra-lint failed with exit code {completed.returncode}")
    lines = [line for line in completed.stdout.splitlines() if ": VL" in line or ": E" in line or ": W" in line]
    return elapsed, len(lines)


def _empty_config() -> Path:
    # Django has no [tool.vectra-lint]; an explicit empty config keeps the run from picking up
    # this repository's own settings.
    path = Path(__file__).resolve().parent.parent / ".bench-cache" / "pyproject.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("[tool.vectra-lint]\n", encoding="utf-8")
    return path


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", help="passed to vectra-lint (default: its own, the CPU count)")
    parser.add_argument("--select", help="rules to run (default: all rules on by default, Ruff's E/W included)")
    args = parser.parse_args()
    package = django_package()
    files = python_files(package)
    lines = sum(file.read_bytes().count(b"\n") for file in files)
    extra = []
    if args.jobs:
        extra += ["--jobs", args.jobs]
    if args.select:
        extra += ["--select", args.select]
    parse_seconds = parse_only(files)
    check_seconds, found = check(package, extra)
    out = sys.stdout
    out.write(f"corpus: {package} ({len(files)} files, {lines} lines), {os.cpu_count()} CPUs\n")
    out.write(f"libcst parse only (1 process): {parse_seconds:8.2f} s\n")
    out.write(f"vectra-lint check ({found} diagnostics): {check_seconds:8.2f} s\n")
    out.write(f"ratio check / parse-only: {check_seconds / parse_seconds:.2f}\n")


if __name__ == "__main__":
    main()
