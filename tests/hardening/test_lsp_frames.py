"""`vectra-lint server` fed broken frames: each costs its own frame (an error answer), never the
connection; the end of input ends the server with a message, not a hang or a traceback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_lsp import Client

INITIALIZE = {"id": 1, "method": "initialize", "params": {"processId": None, "capabilities": {}}}


@pytest.fixture
def client(tmp_path: Path) -> Iterator[Client]:
    started = Client(tmp_path)
    yield started
    if started.process.poll() is None:
        started.process.kill()
    started.process.wait()


def _body(message: dict[str, object]) -> bytes:
    return json.dumps({"jsonrpc": "2.0", **message}).encode()


def _answers(client: Client, count: int) -> list[dict[str, object]]:
    return [client.wait(lambda message: "method" not in message, timeout=30) for _ in range(count)]


def _still_serves(client: Client) -> None:
    """The server answers the next well-framed request."""
    client.send(INITIALIZE)
    [answer] = _answers(client, 1)
    assert answer["id"] == 1
    assert "capabilities" in answer["result"]  # type: ignore[operator]


@pytest.mark.parametrize("value", [b"twelve", b"-5", b"1e3"])
def test_a_content_length_that_is_not_a_number(client: Client, value: bytes) -> None:
    client.write(b"Content-Length: %s\r\n\r\n" % value + _body({"id": 9, "method": "shutdown"}))
    client.write(Client.frame(INITIALIZE))
    broken, answer = _answers(client, 2)
    assert broken["id"] is None
    assert broken["error"] == {"code": -32700, "message": f"broken frame: Content-Length is not a number: {value!r}"}
    assert answer["id"] == 1


def test_a_content_length_beyond_the_body_runs_into_the_next_frame(client: Client) -> None:
    body = _body({"id": 7, "method": "shutdown"})
    client.write(b"Content-Length: %d\r\n\r\n" % (len(body) + 500) + body + Client.frame(INITIALIZE))
    broken, answer = _answers(client, 2)
    # The broken frame's request is answered (with an error), so the client does not wait forever.
    assert broken["id"] == 7
    assert broken["error"] == {
        "code": -32700,
        "message": f"broken frame: Content-Length {len(body) + 500} but the body has {len(body)} bytes",
    }
    assert answer["id"] == 1


def test_a_content_length_beyond_the_body_with_nothing_after_it(client: Client) -> None:
    body = _body({"id": 7, "method": "shutdown"})
    client.write(b"Content-Length: %d\r\n\r\n" % (len(body) + 500) + body)
    [broken] = _answers(client, 1)
    assert broken["id"] == 7
    assert broken["error"]["code"] == -32700  # type: ignore[index]
    _still_serves(client)


def test_a_content_length_larger_than_any_message(client: Client) -> None:
    client.write(b"Content-Length: 99999999999999999999\r\n\r\n" + _body({"id": 3, "method": "x"}))
    [broken] = _answers(client, 1)
    assert broken["error"] == {
        "code": -32700,
        "message": "broken frame: Content-Length 99999999999999999999 is larger than any message",
    }
    _still_serves(client)


def test_a_short_content_length_and_a_body_that_is_not_json(client: Client) -> None:
    body = _body({"id": 4, "method": "shutdown"})
    client.write(b"Content-Length: 10\r\n\r\n" + body + Client.frame(INITIALIZE))
    not_json, skipped, answer = _answers(client, 3)
    assert not_json["id"] is None
    assert str(not_json["error"]["message"]).startswith("not JSON: ")  # type: ignore[index]
    # The rest of the body, before the next header, is skipped (and said).
    assert (
        skipped["error"]
        == {  # type: ignore[index]
            "code": -32700,
            "message": f"broken frame: unexpected bytes before a header: {body[10:50]!r}",
        }
    )
    assert answer["id"] == 1


def test_the_end_of_input_in_the_middle_of_a_frame(client: Client) -> None:
    client.write(b'Content-Length: 500\r\n\r\n{"jsonrpc": ')
    assert client.process.stdin is not None
    client.process.stdin.close()
    assert client.process.wait(timeout=30) == 1
    assert client.process.stderr is not None
    assert b"Traceback" not in client.process.stderr.read()
