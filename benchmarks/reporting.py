"""What the report costs in each output format, as a share of a whole run (issue 25).

On Django's ``django/`` package (about 31k diagnostics with the default rules), one cold
``check --jobs 1`` runs in this process: its CPU time (user + system, Ruff's subprocesses
included) is the run. Then every output format reports the same findings: the command runs again
as a user would run it, but the check returns the answer it gave the first time. The CPU time
from the moment the check returns to the command's end (baselines, the summary, reading sources,
rendering, writing the report to a file) is the format's reporting cost, the best of a few rounds,
shown as a share of the run. Issue 25 asks for 3% at most for concise, full text, JSON and SARIF.

    python benchmarks/reporting.py [--rounds N] [--formats concise,json]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import resource
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.corpus import django_project  # noqa: E402
from vectra_lint import cli  # noqa: E402
from vectra_lint.pipeline import session  # noqa: E402

FORMATS = ("concise", "text", "json", "sarif", "json-lines", "github", "gitlab", "junit")
TARGET = 0.03


def _cpu() -> float:
    own = time.process_time()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own + children.ru_utime + children.ru_stime


class KeptCheck:
    """Stands in for ``session.check_projects``: checks once, then gives that answer again, and
    notes the CPU clock when it returns."""

    def __init__(self, check: Callable[..., list[session.Checked]]) -> None:
        self.check = check
        self.answer: list[session.Checked] | None = None
        self.returned = 0.0

    def __call__(self, *args: Any, **kwargs: Any) -> list[session.Checked]:
        # Any: the arguments are passed through to the real check unchanged.
        if self.answer is None:
            self.answer = self.check(*args, **kwargs)
        self.returned = _cpu()
        return self.answer


def run(kept: KeptCheck, project: Path, output_format: str, report: Path) -> tuple[float, float]:
    """The CPU seconds of one ``check`` command, and of its part after the check returned."""
    arguments = ["check", str(project / "django"), "--config", str(project / "pyproject.toml")]
    arguments += ["--no-cache", "--jobs", "1", "--exit-zero", "--output-format", output_format]
    arguments += ["--output-file", str(report)]
    start = _cpu()
    # The notices (layers that match no file) would be printed at every round.
    with contextlib.redirect_stderr(io.StringIO()), contextlib.suppress(SystemExit):
        cli.main.main(arguments, standalone_mode=False)
    end = _cpu()
    return end - start, end - kept.returned


def main(argv: Sequence[str] | None = None) -> None:
    """Measure and print each format's reporting share."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3, help="reports per format; the cheapest is kept")
    parser.add_argument("--formats", default=",".join(FORMATS), help="comma-separated output formats")
    args = parser.parse_args(argv)
    formats = args.formats.split(",")
    project = django_project()
    kept = KeptCheck(session.check_projects)
    session.check_projects = kept  # type: ignore[assignment]
    best: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        # The first command is the whole cold run; its own report counts as one round.
        whole, best[formats[0]] = run(kept, project, formats[0], Path(folder) / "report")
        for _ in range(args.rounds):
            for output_format in formats:
                cost = run(kept, project, output_format, Path(folder) / "report")[1]
                best[output_format] = min(cost, best.get(output_format, cost))
    assert kept.answer is not None
    found = sum(len(outcome.diagnostics) for part in kept.answer for outcome in part.outcomes)
    out = sys.stdout
    out.write(f"corpus: {project / 'django'}, {found} diagnostics; best of {args.rounds} rounds\n")
    out.write(f"the whole run (check --jobs 1, {formats[0]} output): {whole:.2f} s CPU\n")
    for output_format in formats:
        share = best[output_format] / whole
        mark = (
            ""
            if output_format not in ("concise", "text", "json", "sarif")
            else ("  (target 3%: met)" if share <= TARGET else "  (target 3%: NOT met)")
        )
        out.write(f"reporting, {output_format:>10}: {best[output_format]:6.3f} s CPU, {share:6.1%} of the run{mark}\n")


if __name__ == "__main__":
    main()
