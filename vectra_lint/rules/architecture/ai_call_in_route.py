"""VL504 ai-call-in-route."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from vectra_lint.analysis.layers import dotted
from vectra_lint.api import Expect, Invalid, Message, Rule, StringsOption, Valid
from vectra_lint.engine.context import FileContext

DEFAULT_CLIENTS = (
    "openai",
    "anthropic",
    "qdrant_client",
    "llama_index",
    "langchain",
    "langchain_core",
    "langchain_community",
    "langchain_openai",
    "langchain_anthropic",
    "cohere",
    "mistralai",
    "google.generativeai",
    "google.genai",
    "litellm",
    "pinecone",
    "chromadb",
    "weaviate",
    "sentence_transformers",
)

CLIENTS = StringsOption(
    "clients",
    DEFAULT_CLIENTS,
    "Modules of LLM, embedding and vector-store clients (their submodules are included).",
)


@dataclass(frozen=True)
class AiCallMessage(Message):
    """The message with its named parts (``name``)."""

    name: str

    def __str__(self) -> str:
        """The text users see."""
        return f"`{self.name}` in a route: keep LLM, embedding and vector-store calls in a service (§7)"


class AiCallInRoute(Rule):
    """
    ## What it does
    In the `routes` layer, flags each import of an LLM, embedding or vector-store client library
    (`openai`, `anthropic`, `qdrant_client`, `llama_index`, LangChain, ... : the `clients` option)
    and each call of something imported from one (`openai.embeddings.create(...)`,
    `AsyncQdrantClient(url=...)`), however it was imported (`from openai import OpenAI as LLM`).
    A library module is matched with its submodules (`qdrant_client` covers
    `qdrant_client.models`).

    ## Why is this bad?
    §7: prompt logic, embedding generation and retrieval stay out of the API routes. A route
    that talks to the model or the vector store itself cannot share the fallbacks, token
    logging and retries of the service that owns them, and cannot be tested without the
    external service.

    ## Notes
    An import and every call resolved to it are separate diagnostics (as in Ruff's banned-api).
    Calls on a local variable holding a client (`client.search(...)`) are not resolved; the
    client's construction or import is what gets flagged. The rule looks at the route file only.
    """

    code = "VL504"
    name = "ai-call-in-route"
    message = "AI client use in a route: keep LLM, embedding and vector-store calls in a service (§7)"
    options = (CLIENTS,)
    valid = (
        Valid(
            "from app.services.rag import RagService\n\n\n"
            "async def search(query: str) -> list[str]:\n    return await RagService().search(query)\n",
            path="app/api/search.py",
        ),
        Valid(
            "import openai\n\n\ndef embed(text: str) -> object:\n    return openai.embeddings.create(input=text)\n",
            path="app/services/embeddings.py",
        ),
        Valid("from google import cloud\n", path="app/api/files.py"),
        Valid("def ask(openai: object) -> object:\n    return openai.chat()\n", path="app/api/chat.py"),
    )
    invalid = (
        Invalid(
            "from qdrant_client import AsyncQdrantClient\n",
            path="app/api/search.py",
            expected=(Expect(1, 1, AiCallMessage(name="from qdrant_client import AsyncQdrantClient")),),
        ),
        Invalid(
            "from google import genai\n",
            path="app/api/chat.py",
            expected=(Expect(1, 1, AiCallMessage(name="from google import genai")),),
        ),
        Invalid(
            "import openai as llm\n\n\ndef embed(text: str) -> object:\n"
            "    return llm.embeddings.create(model='text-embedding-3-small', input=text)\n",
            path="app/api/search.py",
            expected=(
                Expect(1, 1, AiCallMessage(name="import openai")),
                Expect(5, 12, AiCallMessage(name="llm.embeddings.create(...)")),
            ),
        ),
        Invalid(
            "from my_ai_sdk import Client\n\nclient = Client()\n",
            path="app/api/chat.py",
            options={"clients": ["my_ai_sdk"]},
            expected=(
                Expect(1, 1, AiCallMessage(name="from my_ai_sdk import Client")),
                Expect(3, 10, AiCallMessage(name="Client(...)")),
            ),
        ),
    )

    def __init__(self, context: FileContext) -> None:
        """Only route modules are checked."""
        super().__init__(context)
        self._active = context.in_layer("routes")
        self._clients: tuple[str, ...] = tuple(self.option(CLIENTS)) if self._active else ()

    def applies(self) -> bool:
        """Only route modules are checked; the others are left out of the walk."""
        return self._active

    def _client(self, module: str) -> str | None:
        for client in self._clients:
            if module == client or module.startswith(client + "."):
                return client
        return None

    def visit_Import(self, node: cst.Import) -> None:
        """Flag `import openai`."""
        for alias in node.names:
            module = dotted(alias.name)
            if self._client(module) is not None:
                self.report(node, AiCallMessage(name=f"import {module}"))
                return

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        """Flag `from qdrant_client import AsyncQdrantClient`."""
        if node.relative:
            return
        module = dotted(node.module)
        names = () if isinstance(node.names, cst.ImportStar) else tuple(dotted(alias.name) for alias in node.names)
        # `from google import genai` imports the client package `google.genai`.
        if any(self._client(full) is not None for full in (module, *(f"{module}.{name}" for name in names))):
            shown = ", ".join(names[:3]) + (", ..." if len(names) > 3 else "") if names else "*"
            self.report(node, AiCallMessage(name=f"from {module} import {shown}"))

    def visit_Call(self, node: cst.Call) -> None:
        """Flag calls of anything imported from a client library."""
        qualified = self.context.scope.imported_name(node.func)
        if qualified is not None and self._client(qualified) is not None:
            self.report(node, AiCallMessage(name=f"{self.context.code_for(node.func)}(...)"))
