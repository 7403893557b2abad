"""Latency of ``vectra-lint server`` as an editor sees it, over stdio (issue 21's targets).

A copy of the sample backend (``fixtures/sample_backend``) gets a service file of about 500 lines
written in its style (its document service, with the service class repeated under other names).
The script then drives the server as an editor does and prints four latencies, each the median
of N:

- initialize: from starting the process to the answer to ``initialize`` (target <= 300 ms);
- open -> diagnostics: ``didOpen`` of the service file to its ``publishDiagnostics``, in a server
  where the editor opened a first file of the project (so the engine is imported and the
  project's facts are in memory: what opening a file costs while one works) (target <= 150 ms);
  the time from the process's start to the first file's diagnostics is printed apart. The first
  session, whose project the result cache has not seen yet, is not counted;
- edit -> diagnostics: ``didChange`` (one line edited) to the diagnostics of that version
  (target <= 60 ms);
- quick fix: a ``codeAction`` request (quick fixes only) on a fixable finding to its answer
  (target <= 50 ms).

The server's CPU time per edit and per quick fix is printed too (read from /proc): on a shared,
busy host the wall times grow with the load, the CPU time much less. The CPU time of the Ruff
processes an edit starts (which run beside the server's check) is printed apart.

With ``--scale``, the edit and quick-fix latencies are measured again on files 2 and 4 times as
long, to see that they grow linearly with the file's size.

    python benchmarks/editor.py [--rounds N] [--scale]
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BACKEND = ROOT / "fixtures" / "sample_backend"
SERVICE = "app/services/catalog_service.py"
TARGETS = {"initialize": 0.300, "open -> diagnostics": 0.150, "edit -> diagnostics": 0.060, "quick fix": 0.050}

Message = dict[str, Any]
# What VS Code declares of what the server reads: code actions resolved when picked, file watching.
CAPABILITIES = {
    "textDocument": {"codeAction": {"resolveSupport": {"properties": ["edit"]}}},
    "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": True}},
}


def service_text(lines: int) -> str:
    """A service module of at least ``lines`` lines: the sample's document service, its class
    repeated under new names (each copy with the same seeded findings as the original)."""
    original = (BACKEND / "app" / "services" / "document_service.py").read_text()
    head, _, body = original.partition("class DocumentService:")
    parts = [head, "class DocumentService:" + body]
    copy = 2
    while sum(part.count("\n") for part in parts) < lines:
        parts.append(f"\n\nclass DocumentService{copy}:" + body)
        copy += 1
    return "".join(parts)


class Server:
    """``vectra-lint server`` in a project, and a minimal LSP client for it."""

    def __init__(self, project: Path) -> None:
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "vectra_lint", "server"],
            cwd=project,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self.messages: queue.Queue[tuple[float, Message]] = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = 0
            while True:
                header = stream.readline()
                if not header:
                    return
                if header == b"\r\n":
                    break
                name, _, value = header.decode().partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            body = stream.read(length)
            self.messages.put((time.perf_counter(), json.loads(body)))

    def send(self, message: Message) -> float:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        stdin = self.process.stdin
        assert stdin is not None
        sent = time.perf_counter()
        stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        stdin.flush()
        return sent

    def wait(self, wanted: Callable[[Message], bool]) -> tuple[float, Message]:
        while True:
            arrived, message = self.messages.get(timeout=120)
            if wanted(message):
                return arrived, message

    def request(self, method: str, params: Any) -> tuple[float, Any]:
        """The request's answer and how long it took."""
        self.next_id += 1
        number = self.next_id
        sent = self.send({"id": number, "method": method, "params": params})
        arrived, reply = self.wait(lambda message: message.get("id") == number and "method" not in message)
        return arrived - sent, reply.get("result")

    def notify(self, method: str, params: Any) -> float:
        return self.send({"method": method, "params": params})

    def diagnostics(self, uri: str, version: int | None = None) -> tuple[float, list[Message]]:
        """When the diagnostics of ``uri`` (at ``version``) arrived, and what they are."""

        def wanted(message: Message) -> bool:
            if message.get("method") != "textDocument/publishDiagnostics":
                return False
            params = message["params"]
            return bool(params["uri"] == uri and (version is None or params.get("version") == version))

        arrived, message = self.wait(wanted)
        return arrived, message["params"]["diagnostics"]

    def initialize(self, project: Path) -> float:
        """Initialize; the time from the process's start to the answer."""
        self.request("initialize", {"processId": None, "rootUri": project.as_uri(), "capabilities": CAPABILITIES})
        took = time.perf_counter() - self.started
        self.notify("initialized", {})
        return took

    def close(self) -> None:
        self.request("shutdown", None)
        self.notify("exit", None)
        self.process.wait(timeout=30)


def _open(server: Server, uri: str, text: str) -> tuple[float, list[Message]]:
    sent = server.notify(
        "textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}}
    )
    arrived, diagnostics = server.diagnostics(uri, 1)
    return arrived - sent, diagnostics


def _cpu(server: Server, children: bool = False) -> float:
    """Seconds of CPU the server process has used (Linux), or 0 where that cannot be read; with
    ``children``, that of the processes it started and waited for (Ruff)."""
    try:
        fields = Path(f"/proc/{server.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    first = 13 if children else 11
    return (int(fields[first]) + int(fields[first + 1])) / os.sysconf("SC_CLK_TCK")


def _edits(server: Server, uri: str, text: str, rounds: int) -> tuple[list[float], list[float], float, float, float]:
    """Edit-to-diagnostics and quick-fix times, ``rounds`` of each, in one open document, and the
    server's mean CPU time per edit and per quick fix, and its Ruff processes' per edit."""
    edits: list[float] = []
    lines = text.split("\n")
    marker = next(index for index, line in enumerate(lines) if line.startswith("logger = "))
    diagnostics: list[Message] = []
    cpu = _cpu(server)
    ruff_cpu = _cpu(server, children=True)
    for version in range(2, rounds + 2):
        # A keystroke: a comment below the logger grows by one character.
        edited = "\n".join([*lines[: marker + 1], "#" * version, *lines[marker + 1 :]])
        sent = server.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": edited}]},
        )
        arrived, diagnostics = server.diagnostics(uri, version)
        edits.append(arrived - sent)
    edit_cpu = (_cpu(server) - cpu) / rounds
    ruff_cpu = (_cpu(server, children=True) - ruff_cpu) / rounds
    fixes: list[float] = []
    # A diagnostic in the middle of the file whose rule has a fix (blocking calls, bare except...).
    fixable = [d for d in diagnostics if d["code"] in ("VL201", "VL302", "VL401", "VL102")]
    target = fixable[len(fixable) // 2] if fixable else diagnostics[len(diagnostics) // 2]
    cpu = _cpu(server)
    for _ in range(rounds):
        took, actions = server.request(
            "textDocument/codeAction",
            {
                "textDocument": {"uri": uri},
                "range": target["range"],
                "context": {"diagnostics": [target], "only": ["quickfix"]},
            },
        )
        assert actions, f"no quick fix for {target}"
        fixes.append(took)
    return edits, fixes, edit_cpu, (_cpu(server) - cpu) / rounds, ruff_cpu


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=9, help="sessions and edits measured (default 9)")
    parser.add_argument("--lines", type=int, default=500, help="length of the service file (default 500)")
    parser.add_argument("--scale", action="store_true", help="also time edits on files 2 and 4 times as long")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="vectra-editor-") as folder:
        project = Path(folder) / "backend"
        shutil.copytree(BACKEND, project, ignore=shutil.ignore_patterns(".vectra-lint-cache", "__pycache__"))
        text = service_text(arguments.lines)
        path = project / SERVICE
        path.write_text(text)
        uri = path.as_uri()
        print(f"{SERVICE}: {text.count(chr(10))} lines, in a copy of {BACKEND.relative_to(ROOT)}")

        first = project / "app" / "main.py"
        initializes: list[float] = []
        starts: list[float] = []
        opens: list[float] = []
        cpu_initialize: list[float] = []
        cpu_open: list[float] = []
        count = 0
        for session in range(arguments.rounds + 1):
            server = Server(project)
            took = server.initialize(project)
            initialize_cpu = _cpu(server)
            # The editor opens a first file; the service file is opened in the running server.
            _open(server, first.as_uri(), first.read_text())
            started = time.perf_counter() - server.started
            before = _cpu(server)
            opened, diagnostics = _open(server, uri, text)
            count = len(diagnostics)
            if session:  # the first session filled the result cache
                initializes.append(took)
                starts.append(started)
                opens.append(opened)
                cpu_initialize.append(initialize_cpu)
                cpu_open.append(_cpu(server) - before)
            if session < arguments.rounds:
                server.close()
        edits, fixes, edit_cpu, fix_cpu, ruff_cpu = _edits(server, uri, text, arguments.rounds)
        server.close()

        print(f"{count} diagnostics in the file; median wall time of {arguments.rounds}, mean server CPU time:")
        figures = {
            "initialize": statistics.median(initializes),
            "open -> diagnostics": statistics.median(opens),
            "edit -> diagnostics": statistics.median(edits),
            "quick fix": statistics.median(fixes),
        }
        cpu = {
            "initialize": statistics.mean(cpu_initialize),
            "open -> diagnostics": statistics.mean(cpu_open),
            "edit -> diagnostics": edit_cpu,
            "quick fix": fix_cpu,
        }
        for name, value in figures.items():
            verdict = "ok" if value <= TARGETS[name] else "OVER"
            spent = f"   CPU {_ms(cpu[name]).strip()}"
            if name == "edit -> diagnostics":
                spent += f" (+ Ruff {_ms(ruff_cpu).strip()})"
            print(f"  {name:<22}{_ms(value)}   (target {_ms(TARGETS[name]).strip()}: {verdict}){spent}")
        print(f"  start -> first file's diagnostics (engine imported): {_ms(statistics.median(starts)).strip()}")
        print(f"  load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")

        if arguments.scale:
            print("edit -> diagnostics and quick fix by file size:")
            for factor in (1, 2, 4):
                longer = service_text(arguments.lines * factor)
                server = Server(project)
                server.initialize(project)
                _open(server, uri, longer)
                edits, fixes, edit_cpu, fix_cpu, _ = _edits(server, uri, longer, arguments.rounds)
                server.close()
                lines = longer.count("\n")
                print(
                    f"  {lines:>5} lines: edit {_ms(statistics.median(edits))} (CPU {_ms(edit_cpu).strip()}), "
                    f"quick fix {_ms(statistics.median(fixes))} (CPU {_ms(fix_cpu).strip()})"
                )


if __name__ == "__main__":
    main()
