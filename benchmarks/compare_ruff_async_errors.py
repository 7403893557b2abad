"""Differential check of the async and error rules against Ruff, on Django, r2r and cheshire-cat.

Ruff's ASYNC210 (blocking HTTP), ASYNC212 (sync httpx client), ASYNC220-ASYNC222 (subprocesses),
ASYNC230 (open), ASYNC240 (os.path / pathlib filesystem calls, preview), ASYNC251 (time.sleep),
E722 (bare except) and B904 (raise without from) cover part of what VL201-VL204, VL302 and VL307
cover. Every (file, line) that Ruff reports must be reported by the matching
vectra-lint rule; the script prints, per rule, what both found, what only Ruff found and what
only vectra-lint found, with examples.

    python benchmarks/compare_ruff_async_errors.py            # the comparison
    python benchmarks/compare_ruff_async_errors.py --fix      # --fix --unsafe-fixes on copies
    python benchmarks/compare_ruff_async_errors.py --corpus r2r=/path/to/r2r --corpus cheshire=/path/to/cat

Without ``--corpus``, Django and r2r are downloaded once into ``.bench-cache/``.

``--fix`` copies both corpora to a temporary folder, runs ``vectra-lint check --fix
--unsafe-fixes`` on the copies (the async and error rules, or ``--select``), checks that every
file that compiled before still compiles, and that a second run changes nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.corpus import django_package, python_files, r2r_package  # noqa: E402

BIN = Path(sys.executable).parent
RUFF_TO_VECTRA = {
    "ASYNC210": "VL202",
    "ASYNC212": "VL202",
    "ASYNC220": "VL203",
    "ASYNC221": "VL203",
    "ASYNC222": "VL203",
    "ASYNC230": "VL204",
    "ASYNC240": "VL204",
    "ASYNC251": "VL201",
    "E722": "VL302",
    "B904": "VL307",
}
VECTRA_CODES = tuple(sorted(set(RUFF_TO_VECTRA.values())))
EXAMPLES = 6

Location = tuple[str, int]


def _ruff_command(folder: Path, preview: bool) -> list[str]:
    command = [str(BIN / "ruff"), "check", "--isolated", "--select", ",".join(RUFF_TO_VECTRA)]
    command += ["--output-format", "json", "--exit-zero", "--no-cache"]
    return command + (["--preview"] if preview else []) + [str(folder)]


def ruff(folder: Path) -> tuple[dict[str, set[Location]], bool]:
    """Ruff's findings by vectra-lint code, and whether ``--preview`` was needed for a selected rule."""
    completed = subprocess.run(_ruff_command(folder, False), capture_output=True, text=True, check=False)
    # Ruff warns when a selected rule exists only in preview; then the rule needs --preview.
    preview = "preview" in completed.stderr.lower()
    if preview:
        completed = subprocess.run(_ruff_command(folder, True), capture_output=True, text=True, check=False)
    if completed.returncode not in (0, 1):
        raise SystemExit(f"ruff failed: {completed.stderr}")
    found: dict[str, set[Location]] = defaultdict(set)
    for record in json.loads(completed.stdout or "[]"):
        code = record.get("code")
        if code in RUFF_TO_VECTRA:
            path = Path(record["filename"]).resolve().relative_to(folder.resolve()).as_posix()
            found[RUFF_TO_VECTRA[code]].add((path, record["location"]["row"]))
    return found, preview


def _config(folder: Path) -> Path:
    # An explicit empty config: neither the corpus nor this repository configures the run.
    config = folder.parent / f".{folder.name}-vectra-lint.toml"
    config.write_text("[tool.vectra-lint]\n", encoding="utf-8")
    return config


def vectra(folder: Path) -> dict[str, set[Location]]:
    """vectra-lint's findings of the compared rules, by code."""
    command = [str(BIN / "vectra-lint"), "check", str(folder), "--config", str(_config(folder))]
    command += ["--select", ",".join(VECTRA_CODES), "--output-format", "json", "--exit-zero"]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise SystemExit(f"vectra-lint failed: {completed.stderr}")
    found: dict[str, set[Location]] = defaultdict(set)
    for record in json.loads(completed.stdout):
        path = Path(record["path"]).resolve().relative_to(folder.resolve()).as_posix()
        found[record["code"]].add((path, record["location"]["line"]))
    return found


def _line(folder: Path, location: Location) -> str:
    try:
        lines = (folder / location[0]).read_text(encoding="utf-8", errors="replace").splitlines()
        return lines[location[1] - 1].strip()[:110]
    except (OSError, IndexError):
        return ""


def compare(name: str, folder: Path) -> bool:
    """Print the comparison for one corpus; True when vectra-lint finds everything Ruff finds."""
    out = sys.stdout
    theirs, preview = ruff(folder)
    ours = vectra(folder)
    out.write(f"\n== {name}: {folder} ({len(python_files(folder))} files)")
    out.write(" [ruff --preview]\n" if preview else "\n")
    complete = True
    for code in VECTRA_CODES:
        ruff_codes = ", ".join(c for c, v in RUFF_TO_VECTRA.items() if v == code)
        both = theirs[code] & ours[code]
        only_ruff = sorted(theirs[code] - ours[code])
        only_vectra = sorted(ours[code] - theirs[code])
        complete = complete and not only_ruff
        out.write(
            f"{code} vs {ruff_codes}: both {len(both)}, only Ruff {len(only_ruff)}, "
            f"only vectra-lint {len(only_vectra)}\n"
        )
        for label, locations in (("only Ruff", only_ruff), ("only vectra-lint", only_vectra)):
            for location in locations[:EXAMPLES]:
                out.write(f"    {label}: {location[0]}:{location[1]}: {_line(folder, location)}\n")
            if len(locations) > EXAMPLES:
                out.write(f"    {label}: ... {len(locations) - EXAMPLES} more\n")
    return complete


def _digest(folder: Path) -> dict[Path, str]:
    return {path: hashlib.sha256(path.read_bytes()).hexdigest() for path in python_files(folder)}


def _compiles(path: Path) -> bool:
    try:
        compile(path.read_bytes(), str(path), "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return True


def fix_copies(corpora: dict[str, Path], select: str) -> bool:
    """``--fix --unsafe-fixes`` on copies: every file compiles, and a second run changes nothing."""
    out = sys.stdout
    ok = True
    with tempfile.TemporaryDirectory(prefix="vectra-fix-") as temp:
        for name, source in corpora.items():
            copy = Path(temp) / name
            shutil.copytree(source, copy)
            compiled_before = {path for path in python_files(copy) if _compiles(path)}
            before = _digest(copy)
            command = [str(BIN / "vectra-lint"), "check", str(copy), "--config", str(_config(copy))]
            command += ["--select", select, "--fix", "--unsafe-fixes", "--exit-zero", "--output-format", "concise"]
            first = subprocess.run(command, capture_output=True, text=True, check=False)
            after = _digest(copy)
            changed = [path for path in after if after[path] != before.get(path)]
            broken = sorted(path for path in compiled_before if not _compiles(path))
            second = subprocess.run(command, capture_output=True, text=True, check=False)
            again = [path for path, digest in _digest(copy).items() if digest != after[path]]
            out.write(
                f"\n== --fix --unsafe-fixes --select {select} on a copy of {name}: exit {first.returncode}, "
                f"{len(changed)} files changed, {len(broken)} no longer compile, "
                f"second run: exit {second.returncode}, {len(again)} files changed\n"
            )
            for line in first.stdout.splitlines() + first.stderr.splitlines():
                if line.startswith(("Fixed", "Found", "error", "warning")):
                    out.write(f"    {line}\n")
            for path in broken[:EXAMPLES]:
                out.write(f"    does not compile: {path.relative_to(copy)}\n")
            for path in again[:EXAMPLES]:
                out.write(f"    changed again: {path.relative_to(copy)}\n")
            ok = ok and not broken and not again and first.returncode == 0 and second.returncode == 0
    return ok


def main() -> None:
    """Run the comparison (or the fix check) and exit 1 when it fails."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fix", action="store_true", help="check --fix --unsafe-fixes on copies instead")
    parser.add_argument("--select", default="VL2,VL3", help="rules to fix with --fix (default VL2,VL3)")
    parser.add_argument(
        "--corpus", action="append", default=[], metavar="NAME=PATH", help="check these folders instead"
    )
    args = parser.parse_args()
    if args.corpus:
        corpora = {name: Path(path) for name, _, path in (item.partition("=") for item in args.corpus)}
    else:
        corpora = {"django": django_package(), "r2r": r2r_package()}
    if args.fix:
        ok = fix_copies(corpora, args.select)
    else:
        ok = all([compare(name, folder) for name, folder in corpora.items()])
    sys.stdout.write(f"\n{'OK' if ok else 'FAILED'}\n")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
