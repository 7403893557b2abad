"""Speed of a pre-commit run: ``vectra-lint check`` on the 3 files of a commit of a configured
project of about 450 files (issue 25's targets: cold under 2 s, goal 1 s; warm under 0.3 s).

The project is built in a temporary folder from the sample backend (``fixtures/sample_backend``):
its ``app`` package and ten copies of it under other names (``app1`` ... ``app10``, their imports
rewritten so that each copy imports itself), its tests, its frontend and its config, the layers
listing every copy. A pre-commit run names 3 files of it; the project phase still settles them
against all the others (their facts). Printed, each the best of a few alternating rounds, wall
and CPU time (the run's processes, workers included):

- cold: the 3 files with an empty result cache (every other file's facts must be gathered);
- warm: the same run again, nothing changed (answered from the cache);
- after an edit: one of the 3 files edited (a new function), the others unchanged;
- without the project phase: the same 3 files copied alone into an otherwise empty project (no
  other file to settle against, no cache): what checking them costs by itself;
- the imports alone: what every run that lints pays before reading a file (the CLI, libcst and
  its door ``engine/libcst_private.py``, every rule), one process;

and the ratio cold / without the project phase, in CPU time (what a busy host moves least) and
wall time. The floor beside it: a cold run parses every file of the project with libcst (the
facts come from the tree), so it costs at least that parse (one process, CPU) plus what the 3
files alone cost. The package is byte-compiled first, as pip compiles an installed one. Each run's
output is checked: the warm run prints what the cold one printed, and the run after an edit what
a run without the cache prints on the edited project.

    python benchmarks/precommit.py [--rounds N] [--copies N] [--keep]
"""

from __future__ import annotations

import argparse
import compileall
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
SAMPLE = REPOSITORY / "fixtures" / "sample_backend"
COMMIT = ("app/services/document_service.py", "app/api/v1/endpoints/documents.py", "app/schemas/document.py")
"""The files of the commit a pre-commit run is given."""
_LAYERS = {
    "routes": "api/**",
    "services": "services/**",
    "models": "models/**",
    "schemas": "schemas/**",
    "workers": "workers/**",
}


@dataclass(frozen=True)
class Timing:
    """Wall and CPU seconds of one measured run."""

    wall: float
    cpu: float


def _config(packages: list[str]) -> str:
    lines = ["[project]", 'name = "sample-backend"', 'version = "0.3.0"', "", "[tool.vectra-lint]"]
    lines.append("[tool.vectra-lint.layers]")
    for layer, glob in _LAYERS.items():
        lines.append(f"{layer} = [{', '.join(repr(f'{name}/{glob}') for name in packages)}]")
    lines.append(f"config = [{', '.join(repr(f'{name}/core/config.py') for name in packages)}]")
    return "\n".join(lines).replace("'", '"') + "\n"


def build_project(folder: Path, copies: int) -> list[Path]:
    """The sample backend with ``copies`` renamed copies of its ``app`` package; its Python files."""
    left_out = shutil.ignore_patterns("EXPECTED*", "NOTES.md", "__pycache__", ".vectra-lint-cache")
    shutil.copytree(SAMPLE, folder, ignore=left_out)
    packages = ["app"]
    for number in range(1, copies + 1):
        name = f"app{number}"
        packages.append(name)
        for source in sorted((folder / "app").rglob("*")):
            target = folder / name / source.relative_to(folder / "app")
            if source.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            data = source.read_bytes()
            if source.suffix == ".py":
                # Each copy imports its own modules: `from app.core ...` -> `from app3.core ...`.
                data = re.sub(
                    rb"\bapp(?=\.(?:api|core|services|schemas|models|workers|legacy|utils|cli|main)\b)",
                    name.encode(),
                    data,
                )
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    (folder / "pyproject.toml").write_text(_config(packages), encoding="utf-8")
    return sorted(folder.rglob("*.py"))


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def check(project: Path, extra: list[str]) -> tuple[Timing, str]:
    """Time ``vectra-lint check`` of the commit's files in ``project`` (its workers' CPU included)."""
    command = [sys.executable, "-m", "vectra_lint", "check", *COMMIT, "--output-format", "concise", "--exit-zero"]
    start, start_cpu = time.perf_counter(), _children_cpu()
    completed = subprocess.run([*command, *extra], cwd=project, capture_output=True, text=True, check=False)
    timing = Timing(time.perf_counter() - start, _children_cpu() - start_cpu)
    if completed.returncode != 0:
        sys.stderr.write(completed.stderr)
        raise SystemExit(f"vectra-lint failed with exit code {completed.returncode}")
    return timing, completed.stdout


IMPORTS = (
    "from vectra_lint.__main__ import tune_collector; tune_collector(); "
    "import vectra_lint.cli, vectra_lint.engine.lint, vectra_lint.registry as r; r.all_rules()"
)
"""What a run that lints imports before it reads a file (the command tunes the collector first)."""


def imports() -> Timing:
    """Time the imports of a run that lints, in a process of their own."""
    start, start_cpu = time.perf_counter(), _children_cpu()
    subprocess.run([sys.executable, "-c", IMPORTS], check=True)
    return Timing(time.perf_counter() - start, _children_cpu() - start_cpu)


def parse_cpu(files: list[Path]) -> float:
    """CPU seconds of a libcst parse of every file, in this process."""
    import libcst as cst

    sources = [file.read_bytes() for file in files]
    start = time.process_time()
    for source in sources:
        try:
            cst.parse_module(source)
        except (cst.ParserSyntaxError, UnicodeDecodeError):
            pass  # the sample's seeded broken files: a check stops there too
    return time.process_time() - start


def _best(timings: list[Timing]) -> Timing:
    return Timing(min(t.wall for t in timings), min(t.cpu for t in timings))


def main() -> None:
    """Build the project, run the rounds and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds; the best of each is kept")
    parser.add_argument("--copies", type=int, default=10, help="copies of the sample backend's app package")
    parser.add_argument("--keep", action="store_true", help="leave the built project in place and name it")
    args = parser.parse_args()
    compileall.compile_dir(str(REPOSITORY / "vectra_lint"), quiet=1)
    top = Path(tempfile.mkdtemp(prefix="vectra-precommit-"))
    try:
        project = top / "project"
        files = build_project(project, args.copies)
        lines = sum(file.read_bytes().count(b"\n") for file in files)
        alone = top / "alone"
        for name in [*COMMIT, "pyproject.toml"]:
            (alone / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(project / name, alone / name)
        cache = ["--cache-dir", str(top / "cache")]
        edited = project / COMMIT[0]
        original = edited.read_text(encoding="utf-8")
        cold: list[Timing] = []
        warm: list[Timing] = []
        after_edit: list[Timing] = []
        isolated: list[Timing] = []
        imported: list[Timing] = []
        parses: list[float] = []
        outputs: set[str] = set()
        for round_number in range(args.rounds):
            edited.write_text(original, encoding="utf-8")
            shutil.rmtree(top / "cache", ignore_errors=True)
            timing, output = check(project, cache)
            cold.append(timing)
            outputs.add(output)
            timing, output = check(project, cache)
            warm.append(timing)
            outputs.add(output)
            # New content each round: never answered from an earlier round's cache.
            addition = f'\n\ndef added_{round_number}(value: int) -> int:\n    """Double it."""\n    return 2 * value\n'
            edited.write_text(original + addition, encoding="utf-8")
            timing, output = check(project, cache)
            after_edit.append(timing)
            if round_number == 0 and output != check(project, ["--no-cache"])[1]:
                raise SystemExit("the run after an edit printed something else than a run without the cache")
            isolated.append(check(alone, ["--no-cache"])[0])
            imported.append(imports())
            parses.append(parse_cpu(files))
        edited.write_text(original, encoding="utf-8")
        if len(outputs) != 1:
            raise SystemExit("a warm run printed something else than the cold run")
        if args.keep:
            sys.stdout.write(f"project kept in {project}\n")
            top = Path()
    finally:
        if top != Path():
            shutil.rmtree(top, ignore_errors=True)
    out = sys.stdout
    out.write(
        f"project: the sample backend and {args.copies} copies of its app package ({len(files)} files, {lines} lines)\n"
    )
    out.write(f"commit: {len(COMMIT)} files; best of {args.rounds} rounds; wall and CPU (workers included)\n")
    for label, found, target in (
        ("cold partial run (empty cache)", cold, "target < 2 s wall, goal 1 s"),
        ("warm partial run (nothing changed)", warm, "target < 0.3 s wall"),
        ("partial run after editing one file", after_edit, ""),
        ("the 3 files alone (no project phase)", isolated, ""),
        ("the imports alone (CLI, libcst, rules)", imported, ""),
    ):
        best = _best(found)
        out.write(f"{label:40} {best.wall:6.2f} s wall {best.cpu:6.2f} s CPU{f'  ({target})' if target else ''}\n")
    cold_best, alone_best = _best(cold), _best(isolated)
    out.write(f"ratio cold / without the project phase (CPU): {cold_best.cpu / alone_best.cpu:.2f}\n")
    out.write(f"ratio cold / without the project phase (wall): {cold_best.wall / alone_best.wall:.2f}\n")
    floor = (min(parses) + alone_best.cpu) / alone_best.cpu
    out.write(f"this host's floor for the CPU ratio (parse of every file + the 3 files alone): {floor:.2f}\n")


if __name__ == "__main__":
    main()
