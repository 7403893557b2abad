"""VL402's fix on a real backend: the r2r 3.6.6 wheel's sources, with its folders as layers.

    python benchmarks/instrument_r2r.py

Copies the sources to a temporary folder with a ``pyproject.toml`` that maps the layers to r2r's
folders (routes = ``core/main/api/**``, services = ``core/main/services/**``, workers =
``core/main/orchestration/**``), runs ``vectra-lint check --select VL402`` (how many functions are
reported, how many with a fix), then ``--fix --unsafe-fixes --select VL402``, and checks that every
changed file compiles, that Ruff's isort (I001) finds nothing new in them, and that a second run
reports only the functions left without a fix (those already instrumented are never reported).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.corpus import r2r_package  # noqa: E402

BIN = Path(sys.executable).parent
CONFIG = """[tool.vectra-lint]
[tool.vectra-lint.layers]
routes = ["core/main/api/**"]
services = ["core/main/services/**"]
workers = ["core/main/orchestration/**"]
"""


def _vl402(root: Path, *extra: str) -> list[dict[str, object]]:
    command = [str(BIN / "vectra-lint"), "check", ".", "--select", "VL402", "--output-format", "json", *extra]
    result = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
    found: list[dict[str, object]] = json.loads(result.stdout or "[]")
    return found


def _isort_findings(root: Path, files: list[str]) -> int:
    command = [str(BIN / "ruff"), "check", "--isolated", "--select", "I001", "--output-format", "json", *files]
    result = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
    return len(json.loads(result.stdout or "[]"))


def main() -> None:
    """Run the check and print the figures."""
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary) / "r2r"
        shutil.copytree(r2r_package(), root, ignore=shutil.ignore_patterns("*.dist-info"))
        (root / "pyproject.toml").write_text(CONFIG)
        before = {path: path.read_bytes() for path in root.rglob("*.py")}
        reported = _vl402(root)
        fixable = sum(1 for item in reported if item.get("fix"))
        print(f"reported: {len(reported)} functions, {fixable} with a fix")
        subprocess.run(
            [str(BIN / "vectra-lint"), "check", ".", "--select", "VL402", "--fix", "--unsafe-fixes"],
            cwd=root,
            capture_output=True,
            check=False,
        )
        changed = sorted(str(p.relative_to(root)) for p, data in before.items() if p.read_bytes() != data)
        broken = []
        for name in changed:
            try:
                compile((root / name).read_text(encoding="utf-8"), name, "exec", dont_inherit=True)
            except SyntaxError as error:
                broken.append(f"{name}: {error}")
        after = {name: (root / name).read_bytes() for name in changed}
        isort_after = _isort_findings(root, changed)
        for name in changed:
            (root / name).write_bytes(before[root / name])
        isort_before = _isort_findings(root, changed)
        for name, data in after.items():
            (root / name).write_bytes(data)
        remaining = _vl402(root)
        print(f"changed files: {len(changed)}, all compile: {not broken}")
        print(f"instrumented functions: {len(reported) - len(remaining)}; still reported: {len(remaining)}")
        print(f"Ruff I001 in the changed files: {isort_before} before, {isort_after} after")
        for line in broken:
            print("  does not compile:", line)


if __name__ == "__main__":
    main()
