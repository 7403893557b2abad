"""Issue 3's acceptance check: VL101/VL102 and VL601-VL603 against Ruff, on Django's ``django/``.

Three parts, all on the Django 5.2.19 sdist (downloaded once by ``corpus.py``):

``compare`` (default)
    Runs ``ruff check --isolated --select D100-D107,ANN001-ANN003,ANN201-ANN206`` and vectra-lint
    (VL601-VL603 with ``docstring-scope = "public"``, VL101, VL102) over the same files, maps the
    codes (D100/D104 -> VL601, D101/D106 -> VL602, D102/D103/D105/D107 -> VL603, ANN00x -> VL101,
    ANN20x -> VL102), and compares the sets of (file, line) per code. Every difference is sorted
    into a known category, each one a deliberate choice documented in the rule's ``## Notes``;
    a difference in no category is "unexplained" and makes the script exit 1.

``fix``
    Applies VL102's ``-> None`` fix to a copy of the package, checks that every changed file
    still compiles, and that a second run fixes nothing.

``comments``
    Counts VL605 findings across the package and prints a fixed random sample of 30 of them,
    with the commented lines, for checking by eye.

    python benchmarks/compare_ruff_typing_docs.py [compare|fix|comments|all] [--jobs N]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.corpus import django_package, python_files  # noqa: E402
from vectra_lint import registry  # noqa: E402
from vectra_lint.config.settings import Settings  # noqa: E402
from vectra_lint.diagnostics import Diagnostic  # noqa: E402
from vectra_lint.pipeline.discovery import Task  # noqa: E402
from vectra_lint.pipeline.runner import Mode, Outcome, run  # noqa: E402

RUFF_CODES = "D100,D101,D102,D103,D104,D105,D106,D107,ANN001,ANN002,ANN003,ANN201,ANN202,ANN204,ANN205,ANN206"
CODE_MAP = {
    "D100": "VL601",
    "D104": "VL601",
    "D101": "VL602",
    "D106": "VL602",
    "D102": "VL603",
    "D103": "VL603",
    "D105": "VL603",
    "D107": "VL603",
    "ANN001": "VL101",
    "ANN002": "VL101",
    "ANN003": "VL101",
    "ANN201": "VL102",
    "ANN202": "VL102",
    "ANN204": "VL102",
    "ANN205": "VL102",
    "ANN206": "VL102",
}
COMPARED = ("VL101", "VL102", "VL601", "VL602", "VL603")
Finding = tuple[str, int, str]
"""(path relative to the corpus root, line, VL code)."""

out = sys.stdout.write


def _tasks(package: Path) -> list[Task]:
    root = package.parent
    return [
        Task(path, path.relative_to(root).as_posix(), path.relative_to(root).as_posix())
        for path in python_files(package)
    ]


def _settings(package: Path, codes: Iterable[str]) -> Settings:
    public = {"docstring-scope": "public"}
    options = {"VL601": public, "VL602": public, "VL603": public}
    enabled = frozenset(codes)
    return Settings(root=package.parent, enabled=enabled, rules=registry.rules_for(enabled), rule_options=options)


def _vectra(package: Path, codes: Iterable[str], jobs: int | None, mode: Mode | None = None) -> list[Outcome]:
    return run(_tasks(package), _settings(package, codes), mode or Mode(), jobs)


def _ruff(package: Path) -> list[dict[str, object]]:
    command = [
        sys.executable, "-m", "ruff", "check", "--isolated", "--select", RUFF_CODES,
        "--output-format", "json", "--exit-zero", package.name,
    ]  # fmt: skip
    completed = subprocess.run(command, cwd=package.parent, capture_output=True, text=True, check=True)
    records: list[dict[str, object]] = json.loads(completed.stdout)
    return records


def _ruff_finding(package: Path, record: dict[str, object]) -> Finding:
    path = Path(str(record["filename"])).resolve().relative_to(package.parent.resolve()).as_posix()
    location = record["location"]
    assert isinstance(location, dict)
    return (path, int(location["row"]), CODE_MAP[str(record["code"])])


def _ruff_findings(package: Path, records: list[dict[str, object]]) -> tuple[set[Finding], dict[Finding, str]]:
    found: set[Finding] = set()
    original: dict[Finding, str] = {}
    for record in records:
        finding = _ruff_finding(package, record)
        found.add(finding)
        original[finding] = str(record["code"])
    return found, original


# Each difference category: a test on the finding and the source lines around it, and where it is
# documented. Order matters: the first category that matches explains the difference.
Classifier = Callable[[Finding, list[str]], bool]


def _line(lines: list[str], number: int) -> str:
    return lines[number - 1] if 0 < number <= len(lines) else ""


def _empty_file(finding: Finding, lines: list[str]) -> bool:
    return finding[2] == "VL601" and not "".join(lines).strip()


def _method_without_positional(finding: Finding, lines: list[str]) -> bool:
    # `def m(*, key)` in a class: Ruff skips `key` as if it were `self`.
    return finding[2] == "VL101" and re.search(r"def\s+\w+\(\s*\*\s*,", _line(lines, finding[1])) is not None


EXPLANATIONS: dict[str, tuple[str, str, Classifier]] = {
    "empty-file": (
        "only Ruff",
        "VL601 Notes: an empty file (or empty __init__.py) has nothing to document",
        _empty_file,
    ),
    "method-first-keyword-only": (
        "only vectra-lint",
        "VL101 Notes: only a positional first parameter is self/cls",
        _method_without_positional,
    ),
}


def compare(package: Path, jobs: int | None) -> int:
    """Run both linters, print the comparison, and return how many differences are unexplained."""
    start = time.perf_counter()
    records = _ruff(package)
    ruff_seconds = time.perf_counter() - start
    ruff, ruff_codes = _ruff_findings(package, records)
    start = time.perf_counter()
    outcomes = _vectra(package, COMPARED, jobs)
    vectra_seconds = time.perf_counter() - start
    ours = {(d.path, d.line, d.code) for outcome in outcomes for d in outcome.diagnostics if d.code in COMPARED}
    errors = [outcome for outcome in outcomes if outcome.error]
    version = subprocess.run([sys.executable, "-m", "ruff", "--version"], capture_output=True, text=True, check=True)
    out(f"corpus: {package} ({len(outcomes)} files); {version.stdout.strip()}\n")
    out(f"ruff: {len(records)} findings in {ruff_seconds:.2f}s; vectra-lint: {len(ours)} in {vectra_seconds:.2f}s\n")
    if errors:
        out(f"vectra-lint errors: {[outcome.error for outcome in errors]}\n")
    out(f"ruff by code: {dict(sorted(Counter(str(record['code']) for record in records).items()))}\n")
    # Beyond the (file, line) sets: how many findings each line gets (two parameters on one line
    # are two ANN001 and two VL101).
    ruff_multiset = Counter(_ruff_finding(package, record) for record in records)
    our_multiset = Counter(
        (d.path, d.line, d.code) for outcome in outcomes for d in outcome.diagnostics if d.code in COMPARED
    )
    same_counts = sum(
        1 for finding in ruff_multiset.keys() & our_multiset.keys() if ruff_multiset[finding] == our_multiset[finding]
    )
    out(
        f"per-line counts: ruff {sum(ruff_multiset.values())}, vectra-lint {sum(our_multiset.values())}; "
        f"{same_counts} of {len(ruff_multiset.keys() & our_multiset.keys())} common lines have equal counts\n\n"
    )
    out(f"{'code':6} {'ruff':>7} {'vectra':>7} {'same':>7} {'only ruff':>10} {'only vectra':>12}\n")
    for code in COMPARED:
        theirs = {f for f in ruff if f[2] == code}
        mine = {f for f in ours if f[2] == code}
        counts = (len(theirs), len(mine), len(theirs & mine), len(theirs - mine), len(mine - theirs))
        out(f"{code:6} {counts[0]:7} {counts[1]:7} {counts[2]:7} {counts[3]:10} {counts[4]:12}\n")
    sources: dict[str, list[str]] = {}

    def lines_of(path: str) -> list[str]:
        if path not in sources:
            sources[path] = (package.parent / path).read_text(encoding="utf-8").splitlines()
        return sources[path]

    buckets: dict[str, list[Finding]] = defaultdict(list)
    for side, differences in (("only Ruff", ruff - ours), ("only vectra-lint", ours - ruff)):
        for finding in sorted(differences):
            category = next(
                (
                    name
                    for name, (where, _, test) in EXPLANATIONS.items()
                    if where == side and test(finding, lines_of(finding[0]))
                ),
                f"UNEXPLAINED ({side})",
            )
            buckets[category].append(finding)
    out("\ndifferences by category:\n")
    if not buckets:
        out("  none: the (file, line) sets are equal for every code\n")
    for category, findings in sorted(buckets.items()):
        explanation = EXPLANATIONS[category][1] if category in EXPLANATIONS else "no documented reason"
        out(f"  {category}: {len(findings)} ({explanation})\n")
        for path, line, code in findings[:5]:
            ruff_code = f" ({ruff_codes[(path, line, code)]})" if (path, line, code) in ruff_codes else ""
            out(f"    {path}:{line} {code}{ruff_code}: {_line(lines_of(path), line).strip()[:90]}\n")
    unexplained = sum(len(findings) for category, findings in buckets.items() if category.startswith("UNEXPLAINED"))
    out(f"\nunexplained differences: {unexplained}\n")
    return unexplained


def fix(package: Path, jobs: int | None) -> int:
    """Apply VL102's fix to a copy; return how many files fail to compile or fix again."""
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / package.name
        shutil.copytree(package, copy)
        start = time.perf_counter()
        outcomes = _vectra(copy, ["VL102"], jobs, Mode(fix=True))
        seconds = time.perf_counter() - start
        written = 0
        errors = [outcome for outcome in outcomes if outcome.error]
        for outcome in outcomes:
            if outcome.fixed_bytes is not None and outcome.task.path is not None:
                outcome.task.path.write_bytes(outcome.fixed_bytes)
                written += 1
        fixed = sum(outcome.fixed for outcome in outcomes)
        remaining = sum(1 for outcome in outcomes for d in outcome.diagnostics if d.code == "VL102")
        broken = []
        for path in python_files(copy):
            try:
                compile(path.read_bytes(), str(path), "exec", dont_inherit=True)
            except SyntaxError as error:
                broken.append(f"{path.relative_to(copy.parent)}: {error}")
        again = _vectra(copy, ["VL102"], jobs, Mode(fix=True))
        refixed = sum(outcome.fixed for outcome in again)
    out(f"VL102 fix on a copy of {package}: {fixed} fixes in {written} files ({seconds:.2f}s)\n")
    out(f"VL102 left unfixed (no provable `-> None`): {remaining}\n")
    out(f"fix errors: {len(errors)}; files that do not compile: {len(broken)}; second run fixed: {refixed}\n")
    for line in [*(outcome.error or "" for outcome in errors), *broken][:10]:
        out(f"  {line}\n")
    return len(errors) + len(broken) + refixed


def comments(package: Path, jobs: int | None) -> int:
    """Print the VL605 count and a sample of 30 findings with their lines."""
    outcomes = _vectra(package, ["VL605"], jobs)
    found: list[Diagnostic] = [d for outcome in outcomes for d in outcome.diagnostics if d.code == "VL605"]
    files = len({d.path for d in found})
    lines = 0
    sources: dict[str, list[str]] = {}
    blocks: list[tuple[Diagnostic, list[str]]] = []
    for diagnostic in found:
        text = sources.setdefault(diagnostic.path, (package.parent / diagnostic.path).read_text().splitlines())
        size = re.search(r"\((\d+) lines\)", diagnostic.message)
        block = text[diagnostic.line - 1 : diagnostic.line - 1 + (int(size[1]) if size else 1)]
        lines += len(block)
        blocks.append((diagnostic, block))
    out(f"VL605 on {package}: {len(found)} commented-out blocks ({lines} lines) in {files} files\n")
    sample = random.Random(3).sample(blocks, min(30, len(blocks)))
    for diagnostic, block in sorted(sample, key=lambda item: (item[0].path, item[0].line)):
        out(f"\n{diagnostic.path}:{diagnostic.line}:{diagnostic.column}\n")
        for text in block:
            out(f"    | {text.strip()[:110]}\n")
    return 0


def main() -> None:
    """Run the selected parts and exit 1 when one of them found a problem."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("part", nargs="?", default="compare", choices=("compare", "fix", "comments", "all"))
    parser.add_argument("--jobs", type=int, default=None, help="worker processes for vectra-lint")
    args = parser.parse_args()
    package = django_package()
    problems = 0
    parts: dict[str, Callable[[Path, int | None], int]] = {"compare": compare, "fix": fix, "comments": comments}
    for name, part in parts.items():
        if args.part in (name, "all"):
            out(f"== {name} ==\n")
            problems += part(package, args.jobs)
            out("\n")
    raise SystemExit(1 if problems else 0)


if __name__ == "__main__":
    main()
