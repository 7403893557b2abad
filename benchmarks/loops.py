"""What users wait for besides a cold check: ``check --fix`` and a repeated ``check --diff``.

Prints two ratios, each measured in one run of this script on a fresh copy of a real backend
(the Python packages of the r2r 3.6.6 wheel, ``benchmarks/corpus.py``), best of a few
alternating rounds:

- ``check --fix`` / ``check``: both cold (``--no-cache``), each on its own fresh copy; the fix
  run also writes the fixed files (target: at or under 1.5, goal 1.2; issue 25);
- ``check --diff`` second run / first run: the same copy and cache folder, nothing changed in
  between; the first run starts with an empty cache (target: well under 0.3; issue 25);
- ``check --fix`` after those ``--diff`` runs / the first ``--diff``: it lints again the files
  with a fix to apply (what it writes is never read from the cache) and answers the others from it.

CPU time (user + system of the run and its workers) is the primary figure: it is what a busy
host moves least; wall time is printed beside it. The host's floor is printed with them: a plain
``check`` against another plain ``check`` (the noise of the host, ideally 1.00), and a warm
``check`` against a cold one (what a cache can achieve here: the least a second ``--diff`` can
cost). ``--unsafe-fixes`` is off unless asked for.

    python benchmarks/loops.py [--rounds N] [--jobs N] [--unsafe-fixes] [--select CODES]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.bench import byte_compile_package  # noqa: E402
from benchmarks.corpus import python_files, r2r_package  # noqa: E402


@dataclass(frozen=True)
class Timing:
    """Wall and CPU seconds of one measured run."""

    wall: float
    cpu: float


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


CONFIG = """[tool.vectra-lint]
[tool.vectra-lint.layers]
routes = ["core/main/api/**"]
services = ["core/main/services/**"]
workers = ["core/main/orchestration/**"]
models = []
schemas = []
config = []
"""
"""r2r's folders as the layers (as ``benchmarks/instrument_r2r.py`` maps them), so that the layer
rules run too; the layers r2r has no folder for are empty."""


def copy_backend(source: Path, into: Path) -> Path:
    """A fresh project folder in ``into``: the wheel's packages and a config of their own
    (``CONFIG``), so that neither this repository's config nor a parent's applies."""
    project = Path(tempfile.mkdtemp(dir=into))
    for package in sorted(source.iterdir()):
        if package.is_dir() and not package.name.endswith(".dist-info"):
            shutil.copytree(package, project / package.name)
    (project / "pyproject.toml").write_text(CONFIG, encoding="utf-8")
    return project


def vectra_lint(project: Path, extra: list[str]) -> Timing:
    """Time ``vectra-lint check`` on ``project`` (its workers and Ruff included)."""
    command = [sys.executable, "-m", "vectra_lint", "check", str(project), "--output-format", "concise"]
    command += ["--exit-zero", "--config", str(project / "pyproject.toml"), *extra]
    start, start_cpu = time.perf_counter(), _children_cpu()
    completed = subprocess.run(command, capture_output=True, text=True, check=False, cwd=project)
    timing = Timing(time.perf_counter() - start, _children_cpu() - start_cpu)
    if completed.returncode not in (0, 1):  # 1: --diff printed fixes
        sys.stderr.write(completed.stderr)
        raise SystemExit(f"vectra-lint {' '.join(extra)} failed with exit code {completed.returncode}")
    return timing


def _ratio(name: str, over: list[Timing], under: list[Timing], target: str = "") -> str:
    cpu = min(t.cpu for t in over) / min(t.cpu for t in under)
    wall = min(t.wall for t in over) / min(t.wall for t in under)
    return f"{name}: {cpu:.2f} CPU ({wall:.2f} wall){target}\n"


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds; the best of each is kept")
    parser.add_argument("--jobs", type=int, help="--jobs for every run (default: vectra-lint's)")
    parser.add_argument("--unsafe-fixes", action="store_true", help="fix and diff with --unsafe-fixes")
    parser.add_argument("--select", help="rules to run (default: the rules on by default)")
    args = parser.parse_args()
    source = r2r_package()
    common = ["--select", args.select] if args.select else []
    common += ["--jobs", str(args.jobs)] if args.jobs else []
    unsafe = ["--unsafe-fixes"] if args.unsafe_fixes else []
    byte_compile_package()
    runs: dict[str, list[Timing]] = {}

    def measure(name: str, project: Path, extra: list[str]) -> None:
        runs.setdefault(name, []).append(vectra_lint(project, [*common, *extra]))

    with tempfile.TemporaryDirectory(prefix="vectra-loops-") as scratch:
        into = Path(scratch)
        files = python_files(copy_backend(source, into))
        lines = sum(file.read_bytes().count(b"\n") for file in files)
        # Alternating, so that a passing burst of load on the host hits every kind of run alike.
        for _ in range(args.rounds):
            plain, fixed, cached, diffed = (copy_backend(source, into) for _ in range(4))
            measure("check", plain, ["--no-cache"])
            measure("check again", plain, ["--no-cache"])
            measure("fix", fixed, ["--no-cache", "--fix", *unsafe])
            for name in ("check cold cache", "check warm cache"):
                measure(name, cached, ["--cache-dir", str(cached / ".cache")])
            for name in ("diff first", "diff second"):
                measure(name, diffed, ["--cache-dir", str(diffed / ".cache"), "--diff", *unsafe])
            measure("fix after diff", diffed, ["--cache-dir", str(diffed / ".cache"), "--fix", *unsafe])
            for project in (plain, fixed, cached, diffed):
                shutil.rmtree(project)
    out = sys.stdout
    out.write(f"corpus: r2r {source.name} ({len(files)} files, {lines} lines), flags: {' '.join(common + unsafe)}\n")
    out.write(f"best of {args.rounds} rounds; CPU = user + system of the run and its workers\n")
    for name, timings in runs.items():
        best_cpu, best_wall = min(t.cpu for t in timings), min(t.wall for t in timings)
        out.write(f"  {name:18} {best_cpu:7.2f} s CPU {best_wall:7.2f} s wall\n")
    out.write(_ratio("ratio check --fix / check (cold)", runs["fix"], runs["check"], "  [target <= 1.5, goal 1.2]"))
    out.write(_ratio("ratio check --diff second / first run", runs["diff second"], runs["diff first"], "  [< 0.3]"))
    out.write(_ratio("ratio check --fix after --diff / first --diff", runs["fix after diff"], runs["diff first"]))
    out.write(_ratio("host floor: check / check (noise)", runs["check again"], runs["check"]))
    warm, cold = runs["check warm cache"], runs["check cold cache"]
    out.write(_ratio("host floor: check warm / cold cache (least a cached run costs)", warm, cold))


if __name__ == "__main__":
    main()
