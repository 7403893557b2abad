"""The language server, through a real LSP exchange over stdio with `vectra-lint server`."""

from __future__ import annotations

import json
import queue
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

CONFIG = '[tool.vectra-lint]\nselect = ["VL2", "VL4"]\n'
BAD = "import time\n\n\nasync def poll() -> None:\n    time.sleep(1)\n"
SLEEP = "`time.sleep` blocks the event loop inside `async def`; use `await asyncio.sleep`"
# The server runs from this checkout (an editable install): its rules' documentation is here.
RULES_MD = Path(__file__).resolve().parent.parent / "docs" / "rules.md"
DOCS = RULES_MD.as_uri()

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

    def write(self, data: bytes) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(data)
        self.process.stdin.flush()

    @staticmethod
    def frame(message: Message) -> bytes:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        return b"Content-Length: %d\r\n\r\n" % len(body) + body

    def send(self, message: Message) -> None:
        self.write(self.frame(message))

    def call(self, method: str, params: Any) -> Message:
        """The whole answer to a request (its result or its error)."""
        self.next_id += 1
        number = self.next_id
        self.send({"id": number, "method": method, "params": params})
        return self.wait(lambda message: message.get("id") == number and "method" not in message)

    def request(self, method: str, params: Any) -> Any:
        reply = self.call(method, params)
        assert "error" not in reply, reply
        return reply["result"]

    def notify(self, method: str, params: Any) -> None:
        self.send({"method": method, "params": params})

    def wait(self, wanted: Callable[[Message], bool], timeout: float = 60) -> Message:
        while True:
            message = self.messages.get(timeout=timeout)
            if wanted(message):
                return message

    def published(self, uri: str | None = None) -> Message:
        """The next publishDiagnostics (of ``uri``)'s parameters."""
        message = self.wait(
            lambda message: (
                message.get("method") == "textDocument/publishDiagnostics"
                and (uri is None or message["params"]["uri"] == uri)
            )
        )
        params: Message = message["params"]
        return params

    def diagnostics(self, uri: str | None = None) -> list[Message]:
        found: list[Message] = self.published(uri)["diagnostics"]
        return found

    def start(self, root: Path, capabilities: Message | None = None, folders: list[Path] | None = None) -> Message:
        params: Message = {"processId": None, "rootUri": root.as_uri(), "capabilities": capabilities or {}}
        if folders is not None:
            params["workspaceFolders"] = [{"uri": folder.as_uri(), "name": folder.name} for folder in folders]
        result: Message = self.request("initialize", params)
        self.notify("initialized", {})
        return result

    def open(self, path: Path, text: str | None = None) -> str:
        text = path.read_text() if text is None else text
        uri = path.as_uri()
        self.notify(
            "textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}}
        )
        return uri

    def change(self, uri: str, version: int, text: str) -> None:
        self.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]},
        )

    def actions(self, uri: str, where: Message, only: list[str] | None = None) -> list[Message]:
        context: Message = {"diagnostics": []}
        if only is not None:
            context["only"] = only
        found: list[Message] = self.request(
            "textDocument/codeAction", {"textDocument": {"uri": uri}, "range": where, "context": context}
        )
        return found

    def stop(self) -> int:
        assert self.request("shutdown", None) is None
        self.notify("exit", None)
        return self.process.wait(timeout=30)


def _offset(text: str, position: Message) -> int:
    """An LSP position in ``text`` as the protocol defines it: lines end at \\n, \\r\\n or \\r only;
    columns count UTF-16 code units."""
    starts = [0] + [match.end() for match in re.finditer("\r\n|\r|\n", text)]
    offset = starts[position["line"]]
    units = position["character"]
    while units > 0:
        units -= len(text[offset].encode("utf-16-le")) // 2
        offset += 1
    return offset


def apply(text: str, edits: list[Message]) -> str:
    """``text`` with LSP text edits applied, as an editor does: every range refers to the original
    text; edits at the same place apply in the order given."""
    spans = [(_offset(text, edit["range"]["start"]), _offset(text, edit["range"]["end"]), edit) for edit in edits]
    spans.sort(key=lambda span: span[0])
    parts, done = [], 0
    for start, end, edit in spans:
        assert start >= done, "overlapping edits"
        parts += [text[done:start], edit["newText"]]
        done = end
    return "".join([*parts, text[done:]])


def _line(number: int) -> Message:
    return {"start": {"line": number, "character": 0}, "end": {"line": number, "character": 0}}


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
    result = client.start(tmp_path)
    assert result["serverInfo"]["name"] == "vectra-lint"
    assert result["capabilities"]["codeActionProvider"]["codeActionKinds"] == ["quickfix", "source.fixAll.vectra-lint"]
    assert result["capabilities"]["positionEncoding"] == "utf-16"

    uri = client.open(path)
    assert client.published() == {
        "uri": uri,
        "version": 1,
        "diagnostics": [
            {
                "range": {"start": {"line": 4, "character": 4}, "end": {"line": 4, "character": 17}},
                "message": SLEEP,
                "severity": 1,  # error: the rule's own severity, as every other output shows it
                "code": "VL201",
                "source": "vectra-lint",
                "codeDescription": {"href": f"{DOCS}#blocking-sleep-vl201"},
            }
        ],
    }

    # Unsaved edits are checked as typed; columns are UTF-16 units (15 characters, the emoji counts two).
    edited = BAD + 'print("🙂", "x")\n'
    client.change(uri, 2, edited)
    published = client.published()
    assert published["version"] == 2
    diagnostics = published["diagnostics"]
    assert [(d["code"], d["range"]) for d in diagnostics] == [
        ("VL201", {"start": {"line": 4, "character": 4}, "end": {"line": 4, "character": 17}}),
        ("VL401", {"start": {"line": 5, "character": 0}, "end": {"line": 5, "character": 16}}),
    ]

    everything = {"start": {"line": 0, "character": 0}, "end": {"line": 6, "character": 0}}
    actions = client.actions(uri, everything)
    titles = [(action["title"], action["kind"], action.get("isPreferred")) for action in actions]
    assert titles == [
        ("Replace with `await asyncio.sleep(...)` (VL201)", "quickfix", True),
        (titles[1][0], "quickfix", False),
        ("Disable VL201 for this line", "quickfix", None),
        ("Disable VL401 for this line", "quickfix", None),
        ("vectra-lint: apply every safe fix", "source.fixAll.vectra-lint", None),
    ]
    assert titles[1][0].endswith("(VL401, unsafe)")
    assert apply(edited, actions[0]["edit"]["changes"][uri]) == (
        'import asyncio\n\n\nasync def poll() -> None:\n    await asyncio.sleep(1)\nprint("🙂", "x")\n'
    )
    assert apply(edited, actions[3]["edit"]["changes"][uri]) == edited.replace('"x")', '"x")  # noqa: VL401')
    assert actions[4]["edit"]["changes"][uri] == [
        {
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 6, "character": 0}},
            "newText": (
                'import asyncio\n\n\nasync def poll() -> None:\n    await asyncio.sleep(1)\nprint("🙂", "x")\n'
            ),
        }
    ]
    # Only the diagnostics of the asked range; `only` narrows by kind prefix.
    assert [action["title"] for action in client.actions(uri, _line(5), ["quickfix"])] == [
        titles[1][0],
        "Disable VL401 for this line",
    ]
    assert [action["kind"] for action in client.actions(uri, everything, ["source"])] == ["source.fixAll.vectra-lint"]

    path.write_text(edited)
    client.notify("textDocument/didSave", {"textDocument": {"uri": uri}})
    assert [d["code"] for d in client.diagnostics()] == ["VL201", "VL401"]
    client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    assert client.published() == {"uri": uri, "diagnostics": []}

    assert client.stop() == 0


def test_edits_are_resolved_when_picked_by_clients_that_can(tmp_path: Path, client: Client) -> None:
    # Fix-all (several checks) and "disable for this line" (reads the file's tokens) cost more than a
    # listing of actions should: a client that resolves actions gets their edits when one is picked.
    path = tmp_path / "app.py"
    capabilities = {"textDocument": {"codeAction": {"resolveSupport": {"properties": ["edit"]}}}}
    client.start(tmp_path, capabilities)
    uri = client.open(path, BAD)
    client.diagnostics()
    [action] = client.actions(uri, _line(0), ["source.fixAll"])
    assert "edit" not in action
    resolved = client.request("codeAction/resolve", action)
    assert apply(BAD, resolved["edit"]["changes"][uri]) == BAD.replace("time", "asyncio").replace(
        "    asyncio.sleep", "    await asyncio.sleep"
    )
    fix, disable = client.actions(uri, _line(4), ["quickfix"])
    assert "edit" in fix
    assert (disable["title"], "edit" in disable) == ("Disable VL201 for this line", False)
    resolved = client.request("codeAction/resolve", disable)
    assert apply(BAD, resolved["edit"]["changes"][uri]) == BAD.replace("(1)\n", "(1)  # noqa: VL201\n")


def test_positions_after_a_form_feed_and_other_breaks_that_are_not_lsp_lines(tmp_path: Path, client: Client) -> None:
    # str.splitlines breaks at \f, \x1c, \x85 and \u2028; LSP (and Python) do not: a fix computed
    # on the wrong lines lands in the wrong place and breaks the code.
    text = "import time\n\n\x0c\n# a\x1cb\x85c\u2028d\n\nasync def poll() -> None:\n    time.sleep(1)\n"
    path = tmp_path / "app.py"
    client.start(tmp_path)
    uri = client.open(path, text)
    [diagnostic] = client.diagnostics()
    assert diagnostic["range"] == {"start": {"line": 6, "character": 4}, "end": {"line": 6, "character": 17}}
    fix, disable = client.actions(uri, _line(6), ["quickfix"])
    fixed = apply(text, fix["edit"]["changes"][uri])
    assert fixed == text.replace("import time", "import asyncio").replace("    time.sleep", "    await asyncio.sleep")
    compile(fixed, "app.py", "exec")
    assert apply(text, disable["edit"]["changes"][uri]) == text.replace("(1)\n", "(1)  # noqa: VL201\n")


def test_disable_for_this_line_merges_into_the_lines_noqa(tmp_path: Path, client: Client) -> None:
    text = 'async def poll() -> None:\n    import time\n    time.sleep(print("x"))  # noqa: VL401 -- reason\n'
    client.start(tmp_path)
    uri = client.open(tmp_path / "app.py", text)
    assert [d["code"] for d in client.diagnostics()] == ["VL201"]
    [disable] = [a for a in client.actions(uri, _line(2), ["quickfix"]) if a["title"].startswith("Disable")]
    assert disable["title"] == "Disable VL201 for this line"
    assert disable["edit"]["changes"][uri] == [
        {"range": {"start": {"line": 2, "character": 41}, "end": {"line": 2, "character": 41}}, "newText": ", VL201"}
    ]
    merged = apply(text, disable["edit"]["changes"][uri])
    assert merged.endswith("# noqa: VL401, VL201 -- reason\n")
    client.change(uri, 2, merged)
    assert client.diagnostics() == []


def test_hover_on_a_noqa_code_shows_the_rule(tmp_path: Path, client: Client) -> None:
    text = "import time\n\n\nasync def poll() -> None:\n    time.sleep(1)  # noqa: E501, VL201\n"
    client.start(tmp_path)
    uri = client.open(tmp_path / "app.py", text)
    client.diagnostics()

    def hover(character: int) -> Any:
        position = {"line": 4, "character": character}
        return client.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": position})

    start = text.split("\n")[4].index("VL201")
    shown = hover(start + 2)
    assert shown["range"] == {"start": {"line": 4, "character": start}, "end": {"line": 4, "character": start + 5}}
    assert shown["contents"]["kind"] == "markdown"
    value = shown["contents"]["value"]
    assert value.startswith("**VL201 blocking-sleep**\n\n")
    assert value.endswith(f"[Documentation]({DOCS}#blocking-sleep-vl201)")
    assert "time.sleep" in value
    assert hover(start - 3)["contents"]["value"].startswith("**E501**")
    assert hover(2) is None


def test_a_burst_of_edits_is_checked_once_for_its_last_text(tmp_path: Path, client: Client) -> None:
    client.start(tmp_path)
    uri = client.open(tmp_path / "app.py", "x = 1\n")
    assert client.diagnostics() == []
    # A hundred keystrokes arriving together: one check, of the last text.
    burst = b"".join(
        Client.frame(
            {
                "method": "textDocument/didChange",
                "params": {
                    "textDocument": {"uri": uri, "version": version},
                    "contentChanges": [{"text": "x = 1\n" + 'print("x")\n' * (version % 3)}],
                },
            }
        )
        for version in range(2, 102)
    )
    client.write(burst)
    published = client.published()
    assert published["version"] == 101
    assert [d["range"]["start"]["line"] for d in published["diagnostics"]] == [1, 2]
    # Nothing else was published for the burst: the next answer is the next request's.
    assert client.call("textDocument/hover", {"textDocument": {"uri": uri}, "position": _line(0)["start"]}) == {
        "jsonrpc": "2.0",
        "id": client.next_id,
        "result": None,
    }
    assert client.messages.empty()


def test_a_code_action_right_after_an_edit_sees_the_edit(tmp_path: Path, client: Client) -> None:
    client.start(tmp_path)
    uri = client.open(tmp_path / "app.py", "x = 1\n")
    assert client.diagnostics() == []
    client.change(uri, 2, BAD)
    # Asked before the pause after the edit is over: the edit is checked first.
    titles = [action["title"] for action in client.actions(uri, _line(4), ["quickfix"])]
    assert titles == ["Replace with `await asyncio.sleep(...)` (VL201)", "Disable VL201 for this line"]


def test_settings_are_read_again_when_pyproject_changes(tmp_path: Path, client: Client) -> None:
    text = BAD + 'print("x")\n'
    (tmp_path / "pyproject.toml").write_text('[tool.vectra-lint]\nselect = ["VL2"]\n')
    client.start(tmp_path, {"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": True}}})
    registration = client.wait(lambda message: message.get("method") == "client/registerCapability")
    [watch] = registration["params"]["registrations"]
    assert watch["method"] == "workspace/didChangeWatchedFiles"
    assert {"globPattern": "**/pyproject.toml"} in watch["registerOptions"]["watchers"]
    client.send({"id": registration["id"], "result": None})
    uri = client.open(tmp_path / "app.py", text)
    assert [d["code"] for d in client.diagnostics()] == ["VL201"]

    # Told by the client's file watcher.
    (tmp_path / "pyproject.toml").write_text('[tool.vectra-lint]\nselect = ["VL4"]\n')
    changed = {"changes": [{"uri": (tmp_path / "pyproject.toml").as_uri(), "type": 2}]}
    client.notify("workspace/didChangeWatchedFiles", changed)
    assert [d["code"] for d in client.diagnostics()] == ["VL401"]

    # Not told (a client without watchers): the next check sees the new bytes.
    (tmp_path / "pyproject.toml").write_text('[tool.vectra-lint]\nselect = ["VL2", "VL4"]\n')
    client.change(uri, 2, text)
    assert [d["code"] for d in client.diagnostics()] == ["VL201", "VL401"]

    # A broken configuration is said once, and the server goes on.
    (tmp_path / "pyproject.toml").write_text('[tool.vectra-lint]\nselect = ["VL2", "NOPE9"]\n')
    client.change(uri, 3, text)
    shown = client.wait(lambda message: message.get("method") == "window/showMessage")
    assert shown["params"]["type"] == 1
    assert "NOPE9" in shown["params"]["message"]
    assert client.diagnostics() == []

    # The editor's configuration changed: everything is read again.
    (tmp_path / "pyproject.toml").write_text('[tool.vectra-lint]\nselect = ["VL4"]\n')
    client.notify("workspace/didChangeConfiguration", {"settings": {}})
    assert [d["code"] for d in client.diagnostics()] == ["VL401"]


def test_each_workspace_folder_has_its_own_settings(tmp_path: Path, client: Client) -> None:
    text = BAD + 'print("x")\n'
    for name, select in (("api", "VL2"), ("scripts", "VL4")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "pyproject.toml").write_text(f'[tool.vectra-lint]\nselect = ["{select}"]\n')
    client.start(tmp_path, folders=[tmp_path / "api", tmp_path / "scripts"])
    api = client.open(tmp_path / "api" / "app.py", text)
    assert [d["code"] for d in client.diagnostics(api)] == ["VL201"]
    scripts = client.open(tmp_path / "scripts" / "app.py", text)
    assert [d["code"] for d in client.diagnostics(scripts)] == ["VL401"]


def test_the_editor_shows_the_projects_severity(tmp_path: Path, client: Client) -> None:
    config = '[tool.vectra-lint]\nselect = ["VL2", "VL4"]\nseverity = { "VL4" = "warning", "VL401" = "info" }\n'
    (tmp_path / "pyproject.toml").write_text(config)
    client.start(tmp_path)
    uri = client.open(tmp_path / "app.py", BAD + 'print("x")\n')
    assert [(d["code"], d["severity"]) for d in client.diagnostics(uri)] == [("VL201", 1), ("VL401", 3)]


def test_cross_file_findings_follow_unsaved_edits_of_the_other_file(tmp_path: Path, client: Client) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    helper = "import time\n\n\ndef nap() -> None:\n    time.sleep(1)\n"
    (tmp_path / "app" / "helpers.py").write_text(helper)
    service = "from app.helpers import nap\n\n\nasync def handle() -> None:\n    nap()\n"
    (tmp_path / "app" / "service.py").write_text(service)
    client.start(tmp_path)
    service_uri = client.open(tmp_path / "app" / "service.py")
    assert [(d["code"], d["range"]["start"]) for d in client.diagnostics()] == [("VL207", {"line": 4, "character": 4})]

    helper_uri = client.open(tmp_path / "app" / "helpers.py")
    assert client.diagnostics(helper_uri) == []
    # The helper stops blocking (not saved): the service's finding goes, without a check of the service.
    client.change(helper_uri, 2, helper.replace("time.sleep(1)", "pass"))
    assert client.diagnostics(helper_uri) == []
    assert client.diagnostics(service_uri) == []
    client.change(helper_uri, 3, helper)
    assert client.diagnostics(helper_uri) == []
    assert [d["code"] for d in client.diagnostics(service_uri)] == ["VL207"]
    # Half-typed code that does not parse: the service still sees the helper as it last parsed.
    client.change(helper_uri, 4, helper + "def broken(:\n")
    assert client.published(helper_uri) == {"uri": helper_uri, "version": 4, "diagnostics": []}  # VL001 is off
    client.change(service_uri, 2, service + "\n")
    assert [d["code"] for d in client.diagnostics(service_uri)] == ["VL207"]


def test_a_file_with_thousands_of_findings(tmp_path: Path, client: Client) -> None:
    # Positions come from one line table per check: time grows with the file, not findings x size.
    text = "".join(f'print("line {number}")\n' for number in range(3000))
    client.start(tmp_path)
    started = time.monotonic()
    client.open(tmp_path / "app.py", text)
    diagnostics = client.diagnostics()
    assert len(diagnostics) == 3000
    assert diagnostics[-1]["range"] == {"start": {"line": 2999, "character": 0}, "end": {"line": 2999, "character": 18}}
    assert time.monotonic() - started < 60


def test_requests_after_shutdown_are_refused_and_exit_says_whether_it_came(tmp_path: Path, client: Client) -> None:
    client.start(tmp_path)
    assert client.request("shutdown", None) is None
    hover = {"textDocument": {"uri": "file:///x.py"}, "position": _line(0)["start"]}
    refused = client.call("textDocument/hover", hover)
    assert refused["error"]["code"] == -32600
    client.notify("exit", None)
    assert client.process.wait(timeout=30) == 0

    # LSP: `exit` without `shutdown` first exits 1.
    abrupt = Client(tmp_path)
    abrupt.start(tmp_path)
    abrupt.notify("exit", None)
    assert abrupt.process.wait(timeout=30) == 1


def test_requests_before_initialize_and_unknown_methods(tmp_path: Path, client: Client) -> None:
    early = client.call("textDocument/hover", {"textDocument": {"uri": "file:///x.py"}, "position": _line(0)["start"]})
    assert early["error"]["code"] == -32002
    client.start(tmp_path)
    assert client.call("vectra/unknown", {})["error"]["code"] == -32601
    assert client.call("textDocument/codeAction", {"range": {}})["error"]["code"] == -32600
    assert client.stop() == 0


def test_the_documentation_link_leads_to_the_rules_section(tmp_path: Path, client: Client) -> None:
    client.start(tmp_path)
    client.open(tmp_path / "app.py", BAD)
    [diagnostic] = client.diagnostics()
    address, _, anchor = diagnostic["codeDescription"]["href"].partition("#")
    assert address == DOCS and anchor == "blocking-sleep-vl201"
    # The anchor is the one a Markdown viewer gives the rule's heading.
    assert "\n## blocking-sleep (VL201)\n" in RULES_MD.read_text()


@pytest.mark.parametrize(
    ("option", "href"),
    [
        ("https://wiki.example/lint/{code}.html", "https://wiki.example/lint/VL201.html"),
        ("https://wiki.example/lint/rules.md", "https://wiki.example/lint/rules.md#blocking-sleep-vl201"),
    ],
)
def test_the_team_says_where_the_documentation_is(tmp_path: Path, client: Client, option: str, href: str) -> None:
    client.request(
        "initialize",
        {
            "processId": None,
            "rootUri": tmp_path.as_uri(),
            "capabilities": {},
            "initializationOptions": {"docsUrl": option},
        },
    )
    client.notify("initialized", {})
    client.open(tmp_path / "app.py", BAD)
    [diagnostic] = client.diagnostics()
    assert diagnostic["codeDescription"] == {"href": href}
    client.open(tmp_path / "silenced.py", "import time\ntime.sleep(1)  # noqa: VL201\n")
    hovered = client.request(
        "textDocument/hover",
        {"textDocument": {"uri": (tmp_path / "silenced.py").as_uri()}, "position": {"line": 1, "character": 25}},
    )
    assert hovered["contents"]["value"].endswith(f"[Documentation]({href})")


def test_ruffs_findings_beside_ours(tmp_path: Path, client: Client) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.vectra-lint]\nselect = ["VL201", "E501", "W291"]\n')
    text = BAD + "x = 1 \n" + "y = " + "1 + " * 40 + "1\n"
    client.start(tmp_path)
    uri = client.open(tmp_path / "app.py", text)
    diagnostics = client.diagnostics()
    assert [(d["code"], d["range"]["start"], d.get("codeDescription")) for d in diagnostics] == [
        ("VL201", {"line": 4, "character": 4}, {"href": f"{DOCS}#blocking-sleep-vl201"}),
        ("W291", {"line": 5, "character": 5}, {"href": "https://docs.astral.sh/ruff/rules/trailing-whitespace"}),
        ("E501", {"line": 6, "character": 120}, {"href": "https://docs.astral.sh/ruff/rules/line-too-long"}),
    ]
    titles = [action["title"] for action in client.actions(uri, _line(5), ["quickfix"])]
    # A noqa comment after trailing blanks would not silence them (`--add-noqa` removes them): no "disable".
    assert titles == ["Remove trailing whitespace (W291)"]
    titles = [action["title"] for action in client.actions(uri, _line(6), ["quickfix"])]
    assert titles == ["Disable E501 for this line"]
