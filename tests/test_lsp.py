"""The language server, through a real LSP exchange over stdio with `vectra-lint server`."""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

CONFIG = '[tool.vectra-lint]\nselect = ["VL2", "VL4"]\n'
BAD = "import time\n\n\nasync def poll() -> None:\n    time.sleep(1)\n"

Message = dict[str, Any]


class Client:
    """A minimal LSP client: Content-Length framed JSON-RPC over the server's stdin and stdout."""

    def __init__(self, cwd: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "vectra_lint", "server"],
            cwd=cwd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.messages: queue.Queue[Message] = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = None
            while True:
                header = stream.readline()
                if not header:
                    return
                if header in (b"\r\n", b"\n"):
                    break
                name, _, value = header.decode().partition(":")
                if name.lower() == "content-length":
                    length = int(value.strip())
            assert length is not None
            self.messages.put(json.loads(stream.read(length)))

    def send(self, message: Message) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def request(self, method: str, params: Any) -> Any:
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        reply = self.wait(lambda message: message.get("id") == self.next_id and "method" not in message)
        assert "error" not in reply, reply
        return reply["result"]

    def notify(self, method: str, params: Any) -> None:
        self.send({"method": method, "params": params})

    def wait(self, wanted: Any) -> Message:
        while True:
            message = self.messages.get(timeout=60)
            if wanted(message):
                return message

    def diagnostics(self) -> list[Message]:
        published = self.wait(lambda message: message.get("method") == "textDocument/publishDiagnostics")
        found: list[Message] = published["params"]["diagnostics"]
        return found


@pytest.fixture
def client(tmp_path: Path) -> Any:
    (tmp_path / "pyproject.toml").write_text(CONFIG)
    started = Client(tmp_path)
    yield started
    if started.process.poll() is None:
        started.process.kill()
    started.process.wait()


def test_a_real_lsp_exchange(tmp_path: Path, client: Client) -> None:
    path = tmp_path / "app.py"
    path.write_text(BAD)
    uri = path.as_uri()
    result = client.request("initialize", {"processId": None, "rootUri": tmp_path.as_uri(), "capabilities": {}})
    assert result["serverInfo"]["name"] == "vectra-lint"
    assert result["capabilities"]["codeActionProvider"]["codeActionKinds"] == ["quickfix", "source.fixAll.vectra-lint"]
    client.notify("initialized", {})

    client.notify(
        "textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": BAD}}
    )
    assert client.diagnostics() == [
        {
            "range": {"start": {"line": 4, "character": 4}, "end": {"line": 4, "character": 17}},
            "message": "`time.sleep` blocks the event loop inside `async def`; use `await asyncio.sleep`",
            "severity": 2,
            "code": "VL201",
            "source": "vectra-lint",
        }
    ]

    # Unsaved edits are checked as typed; columns are UTF-16 units (15 characters, the emoji counts two).
    edited = BAD + 'print("🙂", "x")\n'
    client.notify(
        "textDocument/didChange",
        {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": edited}]},
    )
    diagnostics = client.diagnostics()
    assert [(d["code"], d["range"]) for d in diagnostics] == [
        ("VL201", {"start": {"line": 4, "character": 4}, "end": {"line": 4, "character": 17}}),
        ("VL401", {"start": {"line": 5, "character": 0}, "end": {"line": 5, "character": 16}}),
    ]

    everything = {"start": {"line": 0, "character": 0}, "end": {"line": 6, "character": 0}}
    actions = client.request(
        "textDocument/codeAction",
        {"textDocument": {"uri": uri}, "range": everything, "context": {"diagnostics": diagnostics}},
    )
    titles = [(action["title"], action["kind"], action.get("isPreferred")) for action in actions]
    assert titles == [
        ("Replace with `await asyncio.sleep(...)` (VL201)", "quickfix", True),
        (titles[1][0], "quickfix", False),
        ("vectra-lint: apply every safe fix", "source.fixAll.vectra-lint", None),
    ]
    assert titles[1][0].endswith("(VL401, unsafe)")
    sleep_fix = actions[0]["edit"]["changes"][uri]
    assert {
        "range": {"start": {"line": 4, "character": 4}, "end": {"line": 4, "character": 17}},
        "newText": "await asyncio.sleep(1)",
    } in sleep_fix
    fix_all = actions[2]["edit"]["changes"][uri]
    assert fix_all == [
        {
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 6, "character": 0}},
            "newText": (
                'import asyncio\n\n\nasync def poll() -> None:\n    await asyncio.sleep(1)\nprint("🙂", "x")\n'
            ),
        }
    ]
    only_source = client.request(
        "textDocument/codeAction",
        {"textDocument": {"uri": uri}, "range": everything, "context": {"diagnostics": [], "only": ["source"]}},
    )
    assert [action["kind"] for action in only_source] == ["source.fixAll.vectra-lint"]

    path.write_text(edited)
    client.notify("textDocument/didSave", {"textDocument": {"uri": uri}})
    assert [d["code"] for d in client.diagnostics()] == ["VL201", "VL401"]

    assert client.request("shutdown", None) is None
    client.notify("exit", None)
    assert client.process.wait(timeout=30) == 0


def test_cross_file_findings_in_the_editor(tmp_path: Path, client: Client) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "helpers.py").write_text("import time\n\n\ndef nap() -> None:\n    time.sleep(1)\n")
    service = "from app.helpers import nap\n\n\nasync def handle() -> None:\n    nap()\n"
    (tmp_path / "app" / "service.py").write_text(service)
    uri = (tmp_path / "app" / "service.py").as_uri()
    client.request("initialize", {"processId": None, "rootUri": tmp_path.as_uri(), "capabilities": {}})
    client.notify("initialized", {})
    client.notify(
        "textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": service}}
    )
    assert [(d["code"], d["range"]["start"]) for d in client.diagnostics()] == [("VL207", {"line": 4, "character": 4})]
    client.request("shutdown", None)
    client.notify("exit", None)
