"""VL202 blocking-http."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from vectra_lint.analysis.blocking_calls import SYNC_CLIENTS, BlockingCall
from vectra_lint.analysis.rule_bases import BlockingCallRule, CallMessage
from vectra_lint.api import Expect, Invalid, Message, Valid


@dataclass(frozen=True)
class BlockingHttpCall(CallMessage):
    """The message of one reported call."""

    def __str__(self) -> str:
        """The text users see."""
        return f"`{self.call}` is a blocking HTTP call inside `async def`; use an async client (`httpx.AsyncClient`)"


@dataclass(frozen=True)
class SyncClientCall(CallMessage):
    """The message of a method call on a sync SDK client."""

    client: str

    def __str__(self) -> str:
        """The text users see."""
        return f"`{self.call}` is a call on a sync `{self.client}` inside `async def`; use its async client"


class BlockingHttp(BlockingCallRule):
    """
    ## What it does
    Flags a synchronous HTTP call made directly inside an `async def`: `requests.*` (`get`,
    `post`, ..., `request`, `Session`), `urllib.request.urlopen`/`urlretrieve`, `urllib3`
    (`request`, `PoolManager`, connection pools), `http.client.HTTPConnection`/`HTTPSConnection`,
    the sync `httpx.get/post/...`, `httpx.request`/`stream` and `httpx.Client`. Callees are matched
    by resolved import (`from requests import get as fetch` counts; a local variable named
    `requests` does not). A sync `def` or `lambda` nested in the coroutine is not flagged.

    Also flagged: method calls on a sync SDK client (option `sync-clients`: `QdrantClient`,
    `OpenAI`, `Anthropic`, `redis.Redis`, `boto3.client`, `httpx.Client`, `requests.Session` by
    default), also through its attributes (`self.llm.chat.completions.create(...)`), when the
    instance is known: constructed or annotated in the function or module, a parameter
    annotation, a `self.` attribute assigned or annotated in the class (also `x or
    QdrantClient(...)`), a property of the class annotated with the client, or the result of a
    call of a method of the same class or of a module function whose return annotation is the
    client (`client = self.get_client()` with `def get_client(self) -> QdrantClient`, or
    `self.get_client().search(...)`; an `async def` one when awaited).

    ## Why is this bad?
    §3: a synchronous request holds the event loop for the whole network round trip, so every
    other request the worker serves waits behind it. Use an async client
    (`async with httpx.AsyncClient() as client: await client.get(...)`, `AsyncQdrantClient`,
    `AsyncOpenAI`).

    ## Notes
    A client whose type is not known where it is used (returned by a helper without a return
    annotation or by another object's method, stored in a container) is not followed: the type
    comes from annotations, never from a name. Calls made through a helper function are VL207's.
    """

    code = "VL202"
    name = "blocking-http"
    message = "Blocking HTTP call inside `async def`; use an async client (`httpx.AsyncClient`)"
    call_message = BlockingHttpCall
    options = (SYNC_CLIENTS,)

    def describe(self, node: cst.Call, found: BlockingCall) -> Message:
        """The message, naming the client for a call on a sync client."""
        if found.client:
            return SyncClientCall(self.context.code_for(node.func), found.client)
        return super().describe(node, found)

    valid = (
        Valid(
            "import httpx\n\n\nasync def fetch(url: str) -> str:\n"
            "    async with httpx.AsyncClient() as client:\n        response = await client.get(url)\n"
            "    return response.text\n"
        ),
        Valid("import requests\n\n\ndef fetch(url: str) -> bytes:\n    return requests.get(url).content\n"),
        Valid("async def fetch(requests: object, url: str) -> object:\n    return requests.get(url)\n"),
        Valid(
            "from qdrant_client import AsyncQdrantClient\n\n\nasync def run(client: AsyncQdrantClient) -> object:\n"
            '    return await client.search(collection_name="docs", query_vector=[])\n'
        ),
        Valid(
            "import requests\n\n\nasync def fetch(url: str) -> None:\n"
            "    def later() -> object:\n        return requests.get(url)\n"
        ),
        Valid(
            "from qdrant_client import AsyncQdrantClient\n\n\nclass Search:\n"
            "    async def run(self, registry: object) -> object:\n"
            "        clients = registry.get_client()\n        await self.client().count('docs')\n"
            "        return clients.search('docs')\n\n"
            "    def client(self) -> AsyncQdrantClient:\n        return AsyncQdrantClient()\n"
        ),
    )
    invalid = (
        Invalid(
            "from qdrant_client import QdrantClient\n\n\nclass Search:\n"
            "    async def run(self, vector: list[float]) -> object:\n"
            "        client = self.get_client()\n"
            '        return client.search(collection_name="docs", query_vector=vector)\n\n'
            "    def get_client(self) -> QdrantClient:\n        return QdrantClient(url='http://qdrant')\n",
            expected=(
                Expect(
                    7,
                    16,
                    "`client.search` is a call on a sync `qdrant_client.QdrantClient` inside `async def`; "
                    "use its async client",
                ),
            ),
        ),
        Invalid(
            "from qdrant_client import QdrantClient\n\n\nclass Search:\n"
            "    def __init__(self, url: str) -> None:\n        self.client = QdrantClient(url=url)\n\n"
            "    async def run(self, vector: list[float]) -> object:\n"
            '        return self.client.search(collection_name="docs", query_vector=vector)\n',
            expected=(
                Expect(
                    9,
                    16,
                    "`self.client.search` is a call on a sync `qdrant_client.QdrantClient` inside `async def`; "
                    "use its async client",
                ),
            ),
        ),
        Invalid(
            "import openai\n\n\nasync def ask(llm: openai.OpenAI, prompt: str) -> object:\n"
            '    return llm.chat.completions.create(model="m", messages=[prompt])\n',
            expected=(
                Expect(
                    5,
                    12,
                    "`llm.chat.completions.create` is a call on a sync `openai.OpenAI` inside `async def`; "
                    "use its async client",
                ),
            ),
        ),
        Invalid(
            "import requests\n\n\nasync def fetch(url: str) -> bytes:\n    return requests.get(url).content\n",
            expected=(Expect(5, 12, BlockingHttpCall("requests.get")),),
        ),
        Invalid(
            "from requests import post as send\n\n\nasync def notify(url: str) -> None:\n"
            '    send(url, json={"ok": True})\n',
            expected=(Expect(5, 5, BlockingHttpCall("send")),),
        ),
        Invalid(
            "import urllib.request\n\n\nasync def fetch(url: str) -> bytes:\n"
            "    with urllib.request.urlopen(url) as response:\n        return response.read()\n",
            expected=(Expect(5, 10, BlockingHttpCall("urllib.request.urlopen")),),
        ),
        Invalid(
            "import httpx\n\n\nasync def fetch(url: str) -> None:\n"
            "    with httpx.Client() as client:\n        client.get(url)\n    httpx.post(url)\n",
            expected=(
                Expect(5, 10, BlockingHttpCall("httpx.Client")),
                Expect(7, 5, BlockingHttpCall("httpx.post")),
            ),
        ),
        Invalid(
            "import http.client\n\n\nasync def ping() -> None:\n    http.client.HTTPSConnection('example.com')\n",
            expected=(Expect(5, 5, BlockingHttpCall("http.client.HTTPSConnection")),),
        ),
        Invalid(
            "import urllib3\n\n\nasync def ping() -> None:\n    urllib3.request('GET', 'https://example.com')\n",
            expected=(Expect(5, 5, BlockingHttpCall("urllib3.request")),),
        ),
    )
