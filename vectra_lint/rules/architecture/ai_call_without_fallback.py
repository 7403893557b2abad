"""VL506 ai-call-without-fallback."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import cast

import libcst as cst

from vectra_lint.api import Expect, Invalid, Message, Rule, StringsOption, Valid
from vectra_lint.engine.context import FileContext
from vectra_lint.engine.scope import dotted_name
from vectra_lint.rules.architecture.ai_call_in_route import CLIENTS

AI_CALL_IN_ROUTE = "VL504"

LAYERS = StringsOption(
    "layers",
    ("services", "workers"),
    "The layers (names of `[tool.vectra-lint.layers]`) where model and vector-store calls need a fallback.",
)
BROAD = frozenset({"builtins.Exception", "builtins.BaseException"})
DATA_MODULES = frozenset({"types", "models", "schema", "schemas", "messages", "documents", "exceptions", "errors"})
"""Submodules of a client library that hold data classes (`anthropic.types.Message`,
`qdrant_client.models.Filter`): an object of one of those is a response or a request, no client."""
MODEL_CALLS = frozenset(
    {
        "completion",
        "acompletion",
        "text_completion",
        "atext_completion",
        "embedding",
        "aembedding",
        "rerank",
        "arerank",
        "image_generation",
        "aimage_generation",
        "transcription",
        "atranscription",
        "speech",
        "aspeech",
        "moderation",
        "amoderation",
        "generate",
        "agenerate",
        "generate_content",
        "invoke",
        "ainvoke",
        "batch",
        "abatch",
        "stream",
        "astream",
        "embed",
        "embed_query",
        "embed_documents",
        "aembed_query",
        "aembed_documents",
        "create",
        "acreate",
        "chat",
        "achat",
        "encode",
        "search",
        "query",
        "query_points",
        "upsert",
        "similarity_search",
        "asimilarity_search",
    }
)
"""Function names that call a model when reached through an import of a client library
(`litellm.acompletion`, `openai.embeddings.create`); the library's helpers
(`litellm.token_counter`, `litellm.get_model_info`) call nothing."""
SERVICE = "app/services/answers.py"


@dataclass
class _Try:
    node: cst.Try
    function: cst.CSTNode | None
    protects: bool
    """Whether a handler of it, for specific exceptions, provides a fallback."""
    in_body: bool = True


@dataclass
class _Scope:
    """Names bound to a client in one function, class (``self.x``) or the module."""

    names: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class AiCallMessage(Message):
    """Names the call as written."""

    call: str

    def __str__(self) -> str:
        """The text users see."""
        return (
            f"`{self.call}(...)` calls a model or vector store without a fallback: wrap it in `try` and give the "
            "handler of its specific errors a fallback value (§7)"
        )


def _unwrap_optional(annotation: cst.BaseExpression) -> list[cst.BaseExpression]:
    """The types of ``X | None`` and ``Optional[X]`` (``X`` itself otherwise)."""
    if type(annotation) is cst.BinaryOperation and type(annotation.operator) is cst.BitOr:
        return [*_unwrap_optional(annotation.left), *_unwrap_optional(annotation.right)]
    if type(annotation) is cst.Subscript and dotted_name(annotation.value) in ("Optional", "typing.Optional"):
        return [element.slice.value for element in annotation.slice if isinstance(element.slice, cst.Index)]
    return [annotation]


def _ends_with_raise(body: cst.BaseSuite) -> bool:
    statements = body.body if isinstance(body, cst.IndentedBlock) else ()
    if not statements:
        return isinstance(body, cst.SimpleStatementSuite) and isinstance(body.body[-1], cst.Raise)
    last = statements[-1]
    return isinstance(last, cst.SimpleStatementLine) and isinstance(last.body[-1], cst.Raise)


class AiCallWithoutFallback(Rule):
    """
    ## What it does
    In services and workers (the `layers` option), flags a call of an LLM, embedding or
    vector-store client (the libraries of VL504's `clients` option) that is not inside a `try`
    with a fallback: a handler for specific exceptions (`except RateLimitError:`, a tuple of
    them) that returns, assigns a value, or calls another model. A client call is a function or
    method reached through an import of a client library (`openai.embeddings.create(...)`,
    `litellm.acompletion(...)`), or a method of an object known to be a client: constructed from
    one (`client = AsyncOpenAI()`), or annotated with a client class (a parameter
    `client: AsyncQdrantClient`, a `self.client` assigned or annotated so in the class).
    Constructing a client or a data class of the library (`models.PointStruct(...)`) is no call.

    ## Why is this bad?
    §7: "Always implement fallbacks for Model/API failures." A model or vector store that times
    out, rate-limits or is down turns every request into a 500; a fallback (a cached answer, a
    smaller model, an empty result with a notice) keeps the feature up.

    ## Notes
    A handler that only logs and re-raises (or ends with any `raise`) is no fallback, and
    `except Exception:` alone is not specific: it would hide programming errors. The `try` must be
    in the same function as the call. Calls on objects whose type the file does not show
    (`self.client` assigned from an untyped factory) are not resolved.
    """

    code = "VL506"
    name = "ai-call-without-fallback"
    message = "A model or vector-store call without a fallback (§7)"
    options = (LAYERS,)
    valid = (
        Valid(
            "import openai\n\n\nasync def answer(client: openai.AsyncOpenAI, question: str) -> str:\n"
            "    try:\n        response = await client.responses.create(model='gpt-4o', input=question)\n"
            "    except (openai.APITimeoutError, openai.RateLimitError):\n"
            "        return 'The assistant is busy; try again in a minute.'\n"
            "    return response.output_text\n",
            path=SERVICE,
        ),
        Valid(
            "from openai import AsyncOpenAI\n\n\nasync def answer(client: AsyncOpenAI, question: str) -> str:\n"
            "    response = await client.responses.create(model='gpt-4o', input=question)\n"
            "    return response.output_text\n",
            path="app/api/answers.py",
        ),
    )
    invalid = (
        Invalid(
            "from openai import AsyncOpenAI\n\n\nclass Answers:\n"
            "    def __init__(self, client: AsyncOpenAI | None = None) -> None:\n"
            "        self.client = client or AsyncOpenAI()\n\n"
            "    async def answer(self, question: str) -> str:\n"
            "        response = await self.client.responses.create(model='gpt-4o', input=question)\n"
            "        return response.output_text\n",
            path=SERVICE,
            expected=(Expect(9, 26, AiCallMessage("self.client.responses.create")),),
        ),
        Invalid(
            "import logging\n\nimport openai\n\nlogger = logging.getLogger(__name__)\n\n\n"
            "def embed(text: str) -> list[float]:\n    try:\n"
            "        return openai.embeddings.create(model='text-embedding-3-small', input=text).data[0].embedding\n"
            "    except openai.RateLimitError:\n        logger.error('Rate limited', exc_info=True)\n        raise\n"
            "    except Exception:\n        return []\n",
            path=SERVICE,
            expected=(Expect(10, 16, AiCallMessage("openai.embeddings.create")),),
        ),
    )

    def __init__(self, context: FileContext) -> None:
        """Read the options once per file."""
        super().__init__(context)
        self._active = context.in_layer(*self.option(LAYERS))
        self._clients: tuple[str, ...] = ()
        if self._active:
            # The same libraries as VL504's: one list of what a model or vector-store client is.
            self._clients = tuple(context.settings.option(AI_CALL_IN_ROUTE, CLIENTS))
        self._tries: list[_Try] = []
        self._scopes: dict[int, _Scope] = {}
        self._fallback_handlers: set[int] = set()

    def applies(self) -> bool:
        """Only files of the layers that name a client library."""
        if not self._active:
            return False
        return any(self.context.mentions(client.split(".")[-1]) for client in self._clients)

    def _client_module(self, qualified: str | None) -> bool:
        if qualified is None:
            return False
        return any(qualified == client or qualified.startswith(client + ".") for client in self._clients)

    def _client_type(self, annotation: cst.BaseExpression) -> str | None:
        """The client class an annotation or a constructor call names (not a data class of the library)."""
        for kind in _unwrap_optional(annotation):
            if type(kind) in (cst.Name, cst.Attribute):
                qualified = self.context.scope.imported_name(kind)
                if qualified is None or not self._client_module(qualified):
                    continue
                *modules, name = qualified.split(".")
                if DATA_MODULES.isdisjoint(modules) and not name.endswith(("Error", "Exception")):
                    return qualified
        return None

    def _value_client(self, value: cst.BaseExpression) -> str | None:
        """The client a value holds: a constructor call, a name bound to a client, ``a or b`` of those."""
        if type(value) is cst.BooleanOperation:
            return self._value_client(value.left) or self._value_client(value.right)
        if type(value) is cst.Await:
            return None
        if type(value) is cst.Call:
            name = dotted_name(value.func)
            if name is not None and name.rsplit(".", 1)[-1][:1].isupper():
                return self._client_type(value.func)
            return None
        if type(value) is cst.Name:
            return self._lookup(value.value)
        if type(value) is cst.Attribute and type(value.value) is cst.Name and value.value.value == "self":
            return self._lookup(f"self.{value.attr.value}")
        return None  # an attribute of a client (`response.model`) is not a client

    def _class_of_method(self) -> cst.CSTNode | None:
        frames = self.context.scope.frames
        for index in range(len(frames) - 1, 0, -1):
            if type(frames[index].node) is cst.FunctionDef and type(frames[index - 1].node) is cst.ClassDef:
                return frames[index - 1].node
        return None

    def _bind(self, scope: cst.CSTNode, name: str, client: str) -> None:
        self._scopes.setdefault(id(scope), _Scope()).names[name] = client

    def _lookup(self, name: str) -> str | None:
        if name.startswith("self."):
            owner = self._class_of_method()
            found = self._scopes.get(id(owner)) if owner is not None else None
            return found.names.get(name) if found is not None else None
        for frame in reversed(self.context.scope.frames):
            found = self._scopes.get(id(frame.node))
            if found is not None and name in found.names:
                return found.names[name]
        return None

    def _receiver_client(self, receiver: cst.BaseExpression) -> str | None:
        """The client a receiver is, or is an attribute of (``self.client.chat.completions``)."""
        while True:
            if type(receiver) is cst.Attribute and type(receiver.value) is cst.Name and receiver.value.value == "self":
                return self._lookup(f"self.{receiver.attr.value}")
            if type(receiver) is cst.Name:
                return self._lookup(receiver.value)
            if type(receiver) is not cst.Attribute:
                return None
            receiver = receiver.value

    def _bind_target(self, target: cst.BaseExpression, client: str) -> None:
        frames = self.context.scope.frames
        if not frames:
            return
        current = frames[-1].node
        if type(target) is cst.Name:
            self._bind(current, target.value, client)
            if type(current) is cst.ClassDef:
                self._bind(current, f"self.{target.value}", client)  # `client: AsyncOpenAI` in the class body
        elif type(target) is cst.Attribute and type(target.value) is cst.Name and target.value.value == "self":
            owner = self._class_of_method()
            if owner is not None:
                self._bind(owner, f"self.{target.attr.value}", client)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        """Parameters annotated with a client class."""
        params = node.params
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            if param.annotation is not None:
                client = self._client_type(param.annotation.annotation)
                if client is not None:
                    self._bind(node, param.name.value, client)

    def visit_Assign(self, node: cst.Assign) -> None:
        """Names and ``self.`` attributes assigned a client."""
        client = self._value_client(node.value)
        if client is not None:
            for target in node.targets:
                self._bind_target(target.target, client)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        """Names and ``self.`` attributes annotated with a client class."""
        client = self._client_type(node.annotation.annotation)
        if client is None and node.value is not None:
            client = self._value_client(node.value)
        if client is not None:
            self._bind_target(node.target, client)

    def _specific(self, handler: cst.ExceptHandler) -> bool:
        kind = handler.type
        if kind is None:
            return False
        kinds = [element.value for element in kind.elements] if type(kind) is cst.Tuple else [kind]
        scope = self.context.scope
        return any(scope.qualified_name(item) not in BROAD for item in kinds)

    def _falls_back(self, handler: cst.ExceptHandler) -> bool:
        """Whether a handler returns or calls another model (anywhere in it: `if cached: return
        cached` before a `raise` counts), or assigns a value and goes on (does not end by raising)."""
        found: set[str] = set()
        self._scan(handler.body, found)
        return "exit" in found or ("assign" in found and not _ends_with_raise(handler.body))

    def _scan(self, body: cst.BaseSuite, found: set[str]) -> None:
        # The handler's own statements, and those of the blocks in it.
        if isinstance(body, cst.SimpleStatementSuite):
            for small in body.body:
                self._scan_small(small, found)
            return
        for statement in body.body:
            if isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    self._scan_small(small, found)
            elif isinstance(statement, (cst.If, cst.With, cst.For, cst.While)):
                self._scan(statement.body, found)
                orelse = getattr(statement, "orelse", None)
                if isinstance(orelse, (cst.Else, cst.If)):
                    self._scan(orelse.body, found)

    def _scan_small(self, small: cst.BaseSmallStatement, found: set[str]) -> None:
        kind = type(small)
        if kind is cst.Return:
            found.add("exit")
        elif kind is cst.Assign or kind is cst.AnnAssign or kind is cst.AugAssign:
            found.add("assign")
            value = getattr(small, "value", None)
            if type(value) is cst.Await:
                value = value.expression
            if type(value) is cst.Call and self._is_ai_call(value):
                found.add("exit")
        elif kind is cst.Expr:
            expression = cast(cst.Expr, small).value
            value = expression.expression if type(expression) is cst.Await else expression
            if type(value) is cst.Call and self._is_ai_call(value):
                found.add("exit")

    def visit_Try(self, node: cst.Try) -> None:
        """Open a ``try``, noting whether one of its handlers is a fallback."""
        fallbacks = [handler for handler in node.handlers if self._specific(handler) and self._falls_back(handler)]
        self._fallback_handlers.update(id(handler) for handler in fallbacks)
        self._tries.append(_Try(node, self.context.scope.function(), bool(fallbacks)))

    def leave_Try(self, node: cst.Try) -> None:
        """Close the ``try``."""
        if self._tries and self._tries[-1].node is node:
            self._tries.pop()

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        """The walk leaves the innermost ``try``'s body."""
        if self._tries:
            self._tries[-1].in_body = False

    def visit_Else(self, node: cst.Else) -> None:
        """A ``try``'s ``else`` is not guarded by its handlers."""
        if self._tries and self._tries[-1].node.orelse is node:
            self._tries[-1].in_body = False

    def visit_Finally(self, node: cst.Finally) -> None:
        """Nor is its ``finally``."""
        if self._tries:
            self._tries[-1].in_body = False

    def _is_ai_call(self, node: cst.Call) -> bool:
        func = node.func
        if isinstance(func, cst.Attribute):
            last = func.attr.value
        elif isinstance(func, cst.Name):
            last = func.value
        else:
            return False
        if last[:1].isupper() or last.startswith("_"):
            return False  # a constructor (`AsyncOpenAI()`, `models.PointStruct(...)`), or private
        if type(func) is cst.Attribute and self._scopes and self._receiver_client(func.value) is not None:
            return True
        return last in MODEL_CALLS and self._client_module(self.context.scope.imported_name(func))

    def visit_Call(self, node: cst.Call) -> None:
        """Report a client call that no ``try`` of its function guards with a fallback."""
        if not self._is_ai_call(node):
            return
        scope = self.context.scope
        handler = scope.handler()
        if handler is not None and id(handler) in self._fallback_handlers:
            return  # the fallback itself (another model): asking it for a fallback of its own never ends
        function = scope.function()
        for open_try in self._tries:
            if open_try.in_body and open_try.protects and open_try.function is function:
                return
        self.report(node, AiCallMessage(self.context.code_for(node.func)))
