"""One severity model, the same in every output; the GitLab Code Quality and JSON Lines formats."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from vectra_lint.cli import main
from vectra_lint.config.files import ConfigError
from vectra_lint.config.loader import Overrides, load

NO_LAYERS = "[tool.vectra-lint.layers]\n" + "".join(
    f"{layer} = []\n" for layer in ("routes", "services", "models", "schemas", "workers", "config")
)
SOURCE = 'import time\n\n\nasync def poll() -> None:\n    """Poll."""\n    time.sleep(1)\n    print("done")\n'


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    config = '[tool.vectra-lint]\nselect = ["VL2", "VL4"]\nseverity = { "VL4" = "warning", "VL401" = "info" }\n'
    (tmp_path / "pyproject.toml").write_text(config + NO_LAYERS)
    (tmp_path / "a.py").write_text(SOURCE)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_configured_severity_is_the_same_in_every_format(project: Path) -> None:
    concise = run("check", "--output-format", "concise", "a.py")
    assert concise.exit_code == 1  # any finding fails the run, whatever its level
    assert "Found 1 error and 1 warning.\n" in concise.stdout
    github = run("check", "--output-format", "github", "a.py").stdout.splitlines()
    assert [line.split(" ", 1)[0] for line in github] == ["::error", "::notice"]
    sarif = json.loads(run("check", "--output-format", "sarif", "a.py").stdout)
    assert [result["level"] for result in sarif["runs"][0]["results"]] == ["error", "note"]
    as_json = json.loads(run("check", "--output-format", "json", "a.py").stdout)
    assert [(item["code"], item["severity"]) for item in as_json] == [("VL201", "error"), ("VL401", "info")]
    gitlab = json.loads(run("check", "--output-format", "gitlab", "a.py").stdout)
    assert [(item["check_name"], item["severity"]) for item in gitlab] == [("VL201", "major"), ("VL401", "info")]


def test_a_wrong_severity_is_a_config_error(tmp_path: Path) -> None:
    for table, message in (
        ('severity = { "VL4" = "fatal" }', "severity.VL4: expected one of error, warning, info, got 'fatal'"),
        ('severity = { "VL9" = "error" }', "unknown rule code, prefix or name 'VL9'"),
        ('severity = "error"', "severity: expected a table of code = level"),
    ):
        (tmp_path / "pyproject.toml").write_text(f"[tool.vectra-lint]\n{table}\n")
        with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
            load(tmp_path / "pyproject.toml", Overrides(), tmp_path)


def test_gitlab_code_quality_report(project: Path) -> None:
    result = run("check", "--output-format", "gitlab", "a.py")
    report = json.loads(result.stdout)
    assert report[0] == {
        "description": "VL201 `time.sleep` blocks the event loop inside `async def`; use `await asyncio.sleep`",
        "check_name": "VL201",
        "fingerprint": report[0]["fingerprint"],
        "severity": "major",
        "location": {
            "path": "a.py",
            "positions": {"begin": {"line": 6, "column": 5}, "end": {"line": 6, "column": 18}},
        },
    }
    # The fingerprint follows the finding, not its line: code added above keeps it.
    (project / "a.py").write_text("import os\n" + SOURCE)
    moved = json.loads(run("check", "--output-format", "gitlab", "--ignore", "E", "a.py").stdout)
    assert {item["fingerprint"] for item in moved} >= {item["fingerprint"] for item in report}
    assert len({item["fingerprint"] for item in report}) == len(report)


def test_json_lines_is_one_complete_object_per_line(project: Path) -> None:
    lines = run("check", "--output-format", "json-lines", "a.py").stdout.splitlines()
    whole = json.loads(run("check", "--output-format", "json", "a.py").stdout)
    assert [json.loads(line) for line in lines] == whole
