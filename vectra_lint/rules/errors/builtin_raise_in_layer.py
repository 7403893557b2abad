"""VL306 builtin-raise-in-layer."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from vectra_lint.analysis.project_index import ProjectIndex, SymbolKind, Tri
from vectra_lint.analysis.rule_bases import Candidate, IndexRule, Verdict
from vectra_lint.api import Expect, Invalid, Message, Valid
from vectra_lint.engine.context import FileContext
from vectra_lint.engine.scope import dotted_name

LAYERS = ("services", "routes")
EXEMPT = frozenset({"NotImplementedError"})
"""Builtins that mark a programming contract (an abstract method), not a failure to report."""


@dataclass(frozen=True)
class _Candidate:
    node: cst.Call
    dotted: str
    anchor: cst.CSTNode | None


@dataclass(frozen=True)
class RaisedInLayer(Candidate):
    """A class raised in a layer, by the name the raise uses."""

    dotted: str
    layer: str


@dataclass(frozen=True)
class RawRaiseMessage(Message):
    """Names the raised class and the layer."""

    name: str
    layer: str

    def __str__(self) -> str:
        """The text users see."""
        raw = f"`{self.name}` with a raw message in the {self.layer} layer"
        return f"{raw}; raise a Vectra exception with an error code (§15)"


class BuiltinRaiseInLayer(IndexRule[RaisedInLayer]):
    """
    ## What it does
    In the `services` and `routes` layers (the `[tool.vectra-lint.layers]` globs), flags raising
    an exception that is not a Vectra exception with a raw message: `raise ValueError("...")`,
    `raise Exception(...)`, `raise HTTPException(status_code=404, detail="...")`, or a project
    class outside the `VectraException` hierarchy, called with any argument. A bare
    `raise ValueError` (no message) and re-raising a caught exception are not flagged.

    ## Why is this bad?
    §15: services and routes raise standardized errors: a `FunctionalError` or `TechnicalError`
    with a SCREAMING_SNAKE_CASE `error_code` that the frontend translates. A builtin exception or
    an `HTTPException` with raw text reaches the user as an untranslatable message (or an
    anonymous 500) and bypasses the global handler's logging by kind.

    ## Notes
    `raise NotImplementedError(...)` is not flagged: it marks an abstract method, not a runtime
    failure. A class from a project module that was not checked in this run (pre-commit passes
    only the changed files) gets the benefit of the doubt.
    """

    code = "VL306"
    name = "builtin-raise-in-layer"
    message = "Exception with a raw message in a layer; raise a Vectra exception with an error code (§15)"
    valid = (
        Valid(
            "from app.core.exceptions import FunctionalError\n\n\ndef find(user_id: int) -> None:\n"
            '    raise FunctionalError("User missing", error_code="USER_NOT_FOUND")\n',
            path="app/services/users.py",
        ),
        Valid('def parse(text: str) -> int:\n    raise ValueError("bad number")\n', path="app/utils/parse.py"),
        Valid(
            'class Base:\n    def run(self) -> None:\n        raise NotImplementedError("subclasses run")\n',
            path="app/services/base.py",
        ),
        Valid(
            "def load() -> None:\n    try:\n        run()\n    except ValueError as exc:\n        raise exc\n",
            path="app/services/load.py",
        ),
        Valid("def check() -> None:\n    raise ValueError\n", path="app/services/check.py"),
    )
    invalid = (
        Invalid(
            'def parse(text: str) -> int:\n    raise ValueError(f"bad number {text}")\n',
            path="app/services/parse.py",
            expected=(Expect(2, 11, RawRaiseMessage("ValueError", "services")),),
        ),
        Invalid(
            "from fastapi import HTTPException\n\n\nasync def get_user(user_id: int) -> None:\n"
            '    raise HTTPException(status_code=404, detail="User not found")\n',
            path="app/api/v1/endpoints/users.py",
            expected=(Expect(5, 11, RawRaiseMessage("HTTPException", "routes")),),
        ),
        Invalid(
            "class QdrantDown(ConnectionError):\n    pass\n\n\ndef search() -> None:\n"
            '    raise QdrantDown("Qdrant is unreachable")\n',
            path="app/services/rag.py",
            expected=(Expect(6, 11, RawRaiseMessage("QdrantDown", "services")),),
        ),
    )

    def __init__(self, context: FileContext) -> None:
        """Start checking one file; the per-file state lives here."""
        super().__init__(context)
        self._layer = next((layer for layer in LAYERS if context.in_layer(layer)), None)
        self._candidates: list[_Candidate] = []

    def visit_Raise(self, node: cst.Raise) -> None:
        """Collect raises of a called exception class with arguments."""
        exc = node.exc
        if self._layer is None or not isinstance(exc, cst.Call) or not exc.args:
            return
        dotted = dotted_name(exc.func)
        if dotted is not None and dotted.rsplit(".", 1)[-1] not in EXEMPT:
            self._candidates.append(_Candidate(exc, dotted, self.context.current_statement))

    def finish(self) -> None:
        """Judge the candidates once the module is indexed."""
        for candidate in self._candidates:
            self.judge(
                candidate.node,
                RaisedInLayer(self.context.path, candidate.dotted, self._layer or ""),
                anchor=candidate.anchor,
            )

    @classmethod
    def decide(cls, index: ProjectIndex, candidate: RaisedInLayer) -> Verdict:
        """Reported when the raised class is known not to be a Vectra exception."""
        symbol = index.resolve(candidate.path, candidate.dotted)
        if symbol is None or symbol.kind not in (
            SymbolKind.CLASS,
            SymbolKind.BUILTIN,
            SymbolKind.EXTERNAL,
            SymbolKind.MISSING,
        ):
            return Verdict(Tri.NO)
        vectra = index.flags(symbol).vectra
        message = RawRaiseMessage(candidate.dotted, candidate.layer)
        if vectra is Tri.NO:
            return Verdict(Tri.YES, message)
        return Verdict(Tri.DEFER if vectra is Tri.DEFER else Tri.NO, message)
