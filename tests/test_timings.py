"""``check --timings``: where the time went, per phase and per rule, without changing the report."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from vectra_lint.cli import main
from vectra_lint.engine.timings import LISTENER, PHASE, Timings

SOURCE = "import time\n\n\nasync def handler(x):\n    time.sleep(1)\n    print(x)\n"


def _check(folder: Path, *extra: str) -> tuple[str, str]:
    result = CliRunner().invoke(
        main,
        ["check", str(folder), "--select", "VL2,VL401", "--output-format", "concise", "--jobs", "1", *extra],
        catch_exceptions=False,
    )
    return result.stdout, result.stderr


def test_timings_table_names_phases_and_the_rules_that_ran(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.vectra-lint]\n", encoding="utf-8")
    (tmp_path / "app.py").write_text(SOURCE, encoding="utf-8")
    plain_out, plain_err = _check(tmp_path, "--no-cache")
    timed_out, timed_err = _check(tmp_path, "--no-cache", "--timings")
    assert timed_out == plain_out  # the report is the same, the table goes to stderr
    assert "Timings" not in plain_err
    rows = ("start-up", "config and discovery", "checking (cache, workers, project phase)", "report")
    for row in (*rows, "per file: parse", "per file: walk"):
        assert re.search(rf"{re.escape(row)}\s*│\s*\d+\.\d{{3}}", timed_err), row
    assert "walk: VL201 blocking-sleep" in timed_err
    assert "walk: VL401 print-call" in timed_err
    assert "VL603" not in timed_err  # not selected, not timed


def test_wrapped_handlers_charge_their_owner_and_merge_adds_up() -> None:
    timings = Timings()
    seen: list[int] = []
    timed = timings.wrap("VL999 example", seen.append)
    timed(1)
    timed(2)
    assert seen == [1, 2]
    assert timings.of(LISTENER)["VL999 example"] > 0
    other = Timings()
    other.add(PHASE, "parse", 1.5)
    timings.merge(other.seconds)
    timings.merge(other.seconds)
    assert timings.of(PHASE) == {"parse": 3.0}


def test_timings_time_the_run_asked_for_cache_diff_and_add_noqa_included(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.vectra-lint]\n", encoding="utf-8")
    (tmp_path / "app.py").write_text(SOURCE, encoding="utf-8")
    _check(tmp_path)  # fills the cache
    warm_out, warm_err = _check(tmp_path, "--timings")
    # Answered from the cache, as the same run without --timings is: no file was parsed.
    assert "checking (cache, workers, project phase)" in warm_err
    assert "per file: parse" not in warm_err
    assert warm_out == _check(tmp_path)[0]
    for extra in (("--diff",), ("--add-noqa",)):
        _, err = _check(tmp_path, "--timings", *extra)
        assert "Timings (wall" in err, extra
        assert "checking (cache, workers, project phase)" in err, extra
