"""Shared test helpers: lint or fix a snippet the way the CLI would, without the CLI.

They are the harness that runs every rule's examples (``vectra_lint/pipeline/rule_examples.py``,
also behind ``vectra-lint test-rules``): the tests and the plugins' examples run the same way.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from vectra_lint.pipeline.rule_examples import ROOT, fix, lint, lint_in_project, parses, settings_for

__all__ = [
    "BLOCKING_HELPER",
    "CACHE_CONFIG",
    "ROOT",
    "SERVICE",
    "VIA_HELPER",
    "commit_all",
    "fix",
    "git",
    "lint",
    "lint_in_project",
    "parses",
    "settings_for",
]

# The result cache's tests (tests/test_cache.py, tests/hardening/test_cache_poison.py): a service
# whose finding (VL207) depends on another file, so that cross-file answers are exercised.
CACHE_CONFIG = '[tool.vectra-lint]\nselect = ["VL2", "VL4"]\n'
BLOCKING_HELPER = "import time\n\n\ndef nap() -> None:\n    time.sleep(1)\n"
SERVICE = "from app.helpers import nap\n\n\nasync def handle() -> None:\n    nap()\n"
VIA_HELPER = "app/service.py:5:5: VL207"


def git(cwd: Path, *args: str) -> None:
    """Run git in ``cwd`` as a fixed author (the test machine may have none configured), a new
    repository's branch named ``main`` (whatever the machine's git defaults to)."""
    command = ["git", "-c", "user.email=dev@example.com", "-c", "user.name=dev", "-c", "init.defaultBranch=main", *args]
    subprocess.run(command, cwd=cwd, check=True, capture_output=True)


def commit_all(folder: Path) -> None:
    """A repository at ``folder`` with everything in it committed."""
    git(folder, "init", "-q")
    git(folder, "add", "-A")
    git(folder, "commit", "-qm", "start")
