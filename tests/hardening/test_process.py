"""The process: Ctrl-C stops at once (exit 130, no half-written report), workers die with a killed
parent, and a reader that leaves early (`check | head -1`) ends the run quietly."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.hardening.conftest import run

# Enough files, each slow enough, that the workers are busy for many seconds.
SLOW = "".join(f"def f{n}(a, b):\n    print(a, b)\n    return [x for x in range({n}) if x]\n\n\n" for n in range(400))


def _slow_project(project: Path, files: int = 60) -> None:
    for number in range(files):
        (project / f"m{number}.py").write_text(SLOW)


def _children(pid: int) -> list[int]:
    """The living (not zombie) processes whose parent is ``pid``."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            status = Path(f"/proc/{entry}/status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":\t", 1) for line in status.splitlines() if ":\t" in line)
        if fields.get("PPid", "").strip() == str(pid) and not fields.get("State", "").startswith("Z"):
            found.append(int(entry))
    return found


def _alive(pid: int) -> bool:
    try:
        return not Path(f"/proc/{pid}/status").read_text().split("State:\t", 1)[1].startswith("Z")
    except (OSError, IndexError):
        return False


def _all_end(pids: list[int]) -> bool:
    """Whether every process of ``pids`` ends within 3 seconds."""
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline and any(_alive(pid) for pid in pids):
        time.sleep(0.05)
    return not any(_alive(pid) for pid in pids)


def _ctrl_c_as_in_a_terminal() -> None:
    # A shell without job control (a script, a CI step) starts what it runs in the background with
    # Ctrl-C ignored, and that is inherited: run from there, this suite would see no Ctrl-C work.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _ctrl_c_ignored() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _start(
    project: Path, *args: str, ctrl_c: Callable[[], None] = _ctrl_c_as_in_a_terminal
) -> tuple[subprocess.Popen[bytes], list[int]]:
    command = [sys.executable, "-m", "vectra_lint", "check", "--no-cache", "-j2", *args, "."]
    started = subprocess.Popen(
        command,
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        preexec_fn=ctrl_c,
    )
    deadline = time.monotonic() + 60
    workers: list[int] = []
    while time.monotonic() < deadline and len(workers) < 2:
        time.sleep(0.05)
        workers = [pid for pid in _children(started.pid) if "vectra_lint" in Path(f"/proc/{pid}/cmdline").read_text()]
    assert len(workers) == 2, "the workers never started"
    time.sleep(0.3)  # busy with their first chunks
    return started, workers


linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


@linux_only
@pytest.mark.expensive
@pytest.mark.parametrize("to_group", [True, False], ids=["terminal-ctrl-c", "kill-int-main-process"])
def test_ctrl_c_stops_at_once_with_exit_130_and_no_report(project: Path, to_group: bool) -> None:
    _slow_project(project)
    (project / "report.json").write_text("old report\n")
    started, workers = _start(project, "--output-format", "json", "--output-file", "report.json")
    sent = time.monotonic()
    if to_group:
        os.killpg(started.pid, signal.SIGINT)
    else:
        os.kill(started.pid, signal.SIGINT)
    _, err = started.communicate(timeout=30)
    assert time.monotonic() - sent < 2.5
    assert started.returncode == 130
    assert b"Aborted" not in err and b"Traceback" not in err and b"internal error" not in err
    assert not any(_alive(pid) for pid in workers)
    assert (project / "report.json").read_text() == "old report\n"
    assert sorted(path.name for path in project.iterdir() if not path.name.endswith(".py")) == [
        "pyproject.toml",
        "report.json",
    ]


@linux_only
@pytest.mark.expensive
def test_a_run_started_with_ctrl_c_ignored_goes_on_whole(project: Path) -> None:
    # `vectra-lint check . &` in a script: the shell has the run ignore Ctrl-C, which still reaches
    # it with the terminal's. The run goes on, its workers too: none is lost and run again.
    _slow_project(project, files=20)
    started, workers = _start(project, "--output-format", "json", ctrl_c=_ctrl_c_ignored)
    os.killpg(started.pid, signal.SIGINT)
    time.sleep(0.5)
    assert all(_alive(pid) for pid in workers)
    out, err = started.communicate(timeout=120)
    assert started.returncode == 1, err
    assert err == b""
    assert len({entry["path"] for entry in json.loads(out)}) == 20


@linux_only
@pytest.mark.expensive
@pytest.mark.parametrize("kill", [signal.SIGKILL, signal.SIGTERM])
def test_workers_die_with_a_killed_parent(project: Path, kill: signal.Signals) -> None:
    _slow_project(project)
    started, workers = _start(project)
    os.kill(started.pid, kill)
    started.communicate(timeout=30)
    assert _all_end(workers)


@linux_only
@pytest.mark.parametrize("kill", [signal.SIGKILL, signal.SIGTERM])
def test_the_process_checking_a_few_files_dies_with_a_killed_parent(project: Path, kill: signal.Signals) -> None:
    # A few files are checked in one process apart from the run's; its result (the fixed texts of
    # large files) is bigger than a pipe holds. With the run killed, nothing would ever read it.
    for number in range(2):
        (project / f"m{number}.py").write_text(SLOW * 8)
    command = [sys.executable, "-m", "vectra_lint", "check", "--fix", "--no-cache", "-j2", "m0.py", "m1.py"]
    started = subprocess.Popen(command, cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    children: list[int] = []
    while time.monotonic() < deadline and not children:
        time.sleep(0.05)
        children = _children(started.pid)
    assert children, "the files were never checked apart"
    time.sleep(0.5)  # busy with them
    os.kill(started.pid, kill)
    started.wait(timeout=30)
    assert _all_end(children)


@pytest.mark.parametrize("output_format", ["concise", "text", "json", "github"])
def test_a_reader_that_leaves_early_ends_the_run_quietly(project: Path, output_format: str) -> None:
    for number in range(40):
        (project / f"m{number}.py").write_text("print(1)\n" * 50)
    command = [sys.executable, "-m", "vectra_lint", "check", "--no-cache", "-j1", "--output-format", output_format, "."]
    started = subprocess.Popen(command, cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert started.stdout is not None and started.stderr is not None
    started.stdout.read(10)
    started.stdout.close()  # as `head -c 10` does
    err = started.stderr.read()
    started.wait(timeout=60)
    assert err == b""
    # 141 when a write failed; 1 (findings) when the pipe took all the output before the reader left.
    assert started.returncode in (141, 1)


def test_an_interrupted_report_leaves_the_old_one(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from vectra_lint.reporters.json_format import JsonReporter

    (project / "a.py").write_text("print(1)\n")
    (project / "report.json").write_text("old report\n")

    def interrupted(self: JsonReporter, summary: object) -> None:
        self.stream.write("[\n  {")
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(JsonReporter, "finish", interrupted)
        result = run("check", "--no-cache", "--output-format", "json", "--output-file", "report.json", "a.py")
    assert result.exit_code == 130
    assert (project / "report.json").read_text() == "old report\n"
    assert sorted(path.name for path in project.iterdir()) == ["a.py", "pyproject.toml", "report.json"]
    written = run("check", "--no-cache", "--output-format", "json", "--output-file", "report.json", "a.py")
    assert written.exit_code == 1, written.output
    assert (project / "report.json").read_text().startswith("[\n  {\n")
