"""Instructions that ``vectra-lint``'s per-file work executes against libcst's parse, counted by
Valgrind: issue 25's figure that a busy host does not move.

A shared host's speed drifts by a third within minutes (``bench.py`` prints the spread of its
rounds); the number of instructions a process executes does not. Each of these runs in its own
process under ``valgrind --tool=cachegrind --cache-sim=no``, on every Nth file of Django's package
(the 20th by default):

- the imports and settings alone, subtracted from the others;
- parse: ``libcst.parse_module`` of each file's bytes, as ``bench.py`` parses;
- lint: ``lint_text`` of each file, every rule on by default (no Ruff, nothing printed);
- lint, VL001 only: vectra-lint's own parse (without libcst's validation) and an engine with no
  rule to walk.

Each is printed against the parse. These are instructions, not time (cache misses and branch
mispredictions are not counted): compare them with each other, before and after a change, not
with ``bench.py``'s ratios. Repeated runs agree to about half a percent. Each run takes about 20
times its time without Valgrind (about half a minute each with the default).

    python benchmarks/instructions.py [--every N]
"""

from __future__ import annotations

import argparse
import gc
import re
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.corpus import django_project, python_files  # noqa: E402

RUNS = ("nothing", "parse", "lint", "vl001")
_REFS = re.compile(r"I\s+refs:\s+([\d,]+)")


def _run(kind: str, every: int) -> None:
    """What one counted process does (``--run KIND``)."""
    import libcst as cst

    from vectra_lint.config.loader import Overrides, load
    from vectra_lint.engine.lint import lint_text

    project = django_project()
    select = ("VL001",) if kind == "vl001" else None
    settings = load(project / "pyproject.toml", Overrides(select=select), project)
    files = python_files(project / "django")[::every]
    sources = [(str(path), str(path.relative_to(project)), path.read_bytes()) for path in files]
    # Whatever a first lint sets up once (compiled walk code, caches) is not the per-file cost.
    lint_text("warm.py", "warm.py", "x = 1\n", settings)
    if kind == "parse":
        for _, _, data in sources:
            try:
                cst.parse_module(data)
            except cst.ParserSyntaxError:
                pass
    elif kind in ("lint", "vl001"):
        gc.disable()  # as the runner does: collected every few files
        for index, (path, relative, data) in enumerate(sources):
            if index % 50 == 0:
                gc.collect(0)
            lint_text(path, relative, data.decode("utf-8"), settings)


def _count(kind: str, every: int, valgrind: str) -> int:
    command = [valgrind, "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null"]
    command += [sys.executable, __file__, "--run", kind, "--every", str(every)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    found = _REFS.search(done.stderr)
    if done.returncode != 0 or found is None:
        sys.stderr.write(done.stderr[-2000:])
        raise SystemExit(f"the {kind} run failed under Valgrind (exit code {done.returncode})")
    return int(found.group(1).replace(",", ""))


def main() -> None:
    """Count each run and print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--every", type=int, default=20, help="take every Nth file of Django's package")
    parser.add_argument("--run", choices=RUNS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run is not None:
        _run(args.run, args.every)
        return
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        raise SystemExit("valgrind is not installed (Debian: apt-get install valgrind)")
    files = len(python_files(django_project() / "django")[:: args.every])
    counts = {kind: _count(kind, args.every, valgrind) for kind in RUNS}
    base = counts["nothing"]
    parse = counts["parse"] - base
    out = sys.stdout
    out.write(f"corpus: every {args.every}th file of Django's package ({files} files)\n")
    out.write(f"instructions: libcst parse {parse / 1e9:.3f} G\n")
    for kind, label in (("lint", "lint, every default rule"), ("vl001", "lint, VL001 only")):
        spent = counts[kind] - base
        out.write(f"ratio {label} / parse: {spent / parse:.3f}  ({spent / 1e9:.3f} G)\n")
    rules = (counts["lint"] - counts["vl001"]) / parse
    out.write(f"ratio rules and analyses / parse (the two lints' difference): {rules:.3f}\n")


if __name__ == "__main__":
    main()
