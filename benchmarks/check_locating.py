"""Differential check of the fast locator on a real corpus (not a test: it needs a download).

Lints every file twice, once locating reports by generating only their statements (the normal
path) and once generating every file from its start, and prints the files where the two
disagree (there should be none):

    python benchmarks/check_locating.py [django|r2r]
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.corpus import django_package, python_files, r2r_package  # noqa: E402
from tests.helpers import settings_for  # noqa: E402
from vectra_lint.engine import lint as engine  # noqa: E402
from vectra_lint.engine import locating  # noqa: E402


def main() -> None:
    """Compare the two locating paths on the chosen corpus."""
    root = r2r_package() if sys.argv[1:] == ["r2r"] else django_package()
    settings = settings_for("VL003")
    mismatches = total = 0
    for path in python_files(root):
        try:
            source = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        fast = engine.lint_text(str(path), str(path), source, settings).diagnostics
        saved, locating._SLOW_LAYOUT = locating._SLOW_LAYOUT, re.compile("")
        try:
            slow = engine.lint_text(str(path), str(path), source, settings).diagnostics
        finally:
            locating._SLOW_LAYOUT = saved
        total += len(fast)
        key = [(d.code, d.line, d.column, d.end_line, d.end_column, d.noqa_lines, d.fix) for d in fast]
        if key != [(d.code, d.line, d.column, d.end_line, d.end_column, d.noqa_lines, d.fix) for d in slow]:
            mismatches += 1
            sys.stdout.write(f"differs: {path}\n")
    sys.stdout.write(f"{root}: {total} diagnostics, {mismatches} files differ\n")


if __name__ == "__main__":
    main()
