"""VL501 layer-import."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from vectra_lint.analysis.layers import dotted, import_targets
from vectra_lint.api import Expect, Invalid, Message, Rule, Valid
from vectra_lint.engine.context import FileContext

FORBIDDEN: dict[str, tuple[str, ...]] = {
    "models": ("services", "routes"),
    "services": ("routes",),
    "schemas": ("services", "routes"),
}
"""For each layer, the layers above it that it must not import (§5: routes -> services -> models)."""

HTTP_LIBRARIES = ("fastapi", "starlette")
HTTP_MODULES = frozenset({"requests", "responses", "websockets"})
HTTP_NAMES = frozenset({"Request", "Response", "WebSocket", "HTTPConnection"})
HTTP_FREE = ("services", "models")
"""Layers that must not see the HTTP request or response objects."""


def _http_object(module: str, name: str) -> bool:
    parts = module.split(".")
    if parts[0] not in HTTP_LIBRARIES:
        return False
    return name in HTTP_NAMES or (len(parts) > 1 and parts[1] in HTTP_MODULES)


@dataclass(frozen=True)
class HttpMessage(Message):
    """The message with its named parts (``layer``, ``name``) for an import of HTTP context."""

    layer: str
    name: str

    def __str__(self) -> str:
        """The text users see."""
        return (
            f"A `{self.layer}` module imports `{self.name}`: the HTTP request and response belong to the routes "
            "(§5: services are independent of HTTP context)"
        )


@dataclass(frozen=True)
class LayerMessage(Message):
    """The message with its named parts (``layer``, ``module``, ``target``)."""

    layer: str
    module: str
    target: str

    def __str__(self) -> str:
        """The text users see."""
        return (
            f"A `{self.layer}` module imports `{self.module}` of the `{self.target}` layer "
            "(§5: routes -> services -> models)"
        )


class LayerImport(Rule):
    """
    ## What it does
    Flags an import against the layer order of §5 (routes -> services -> models): a module in
    `models` that imports from `services` or `routes`, a module in `services` that imports from
    `routes`, a module in `schemas` that imports from `services` or `routes`. A module in
    `services` or `models` that imports FastAPI's (or Starlette's) `Request`, `Response`,
    `WebSocket`, or anything of their `requests`/`responses`/`websockets` modules is flagged too.
    Imports inside `if TYPE_CHECKING:` count: they still tie the lower layer to the upper one.

    Where a file is, and where its imports lead, is decided by the same
    `[tool.vectra-lint.layers]` globs: `from app.services.users import x`, `import
    app.services.users` and `from ..services import users` are turned into the path of the
    module they name, which the globs then place in a layer. A module that is in one of the
    importer's own layers as well (overlapping globs) is not flagged.

    ## Why is this bad?
    §5: routes handle HTTP and call services; services hold the business logic and must stay
    "reusable, independent of HTTP context"; models only describe data. An import upwards
    creates cycles and drags the HTTP layer into code that background workers and tests use
    without a request.

    ## Notes
    The rule reads only the importing file and the file system (which module file exists), so
    it gives the same answer when pre-commit passes only some files. An absolute import is the
    project's when its top-level package is a folder above the file, in the project root, in
    `src/`, or beside the file's topmost package; other imports are libraries and are ignored.
    """

    code = "VL501"
    name = "layer-import"
    message = "A module imports a module of a layer it must not depend on (§5: routes -> services -> models)"
    valid = (
        Valid("from app.models.user import User\n", path="app/services/users.py"),
        Valid("from app.services.users import UserService\n", path="app/api/users.py"),
        Valid("from fastapi import Depends\n", path="app/services/users.py"),
        Valid("from fastapi import Request\n", path="app/api/users.py"),
        Valid("from . import user\n", path="app/models/__init__.py"),
    )
    invalid = (
        Invalid(
            "from app.api.deps import SessionDep\n",
            path="app/services/users.py",
            expected=(Expect(1, 1, LayerMessage(layer="services", module="app.api.deps", target="routes")),),
        ),
        Invalid(
            "from fastapi import Request\n",
            path="app/services/users.py",
            expected=(Expect(1, 1, HttpMessage(layer="services", name="fastapi.Request")),),
        ),
        Invalid(
            "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from ..services.uploads import Uploads\n",
            path="app/models/document.py",
            expected=(Expect(4, 5, LayerMessage(layer="models", module="..services.uploads", target="services")),),
        ),
        Invalid(
            "import app.services.search as search\n",
            path="app/schemas/search.py",
            expected=(Expect(1, 1, LayerMessage(layer="schemas", module="app.services.search", target="services")),),
        ),
        Invalid(
            "from app.services import users\n",
            path="app/models/user.py",
            expected=(Expect(1, 1, LayerMessage(layer="models", module="app.services", target="services")),),
        ),
    )

    def __init__(self, context: FileContext) -> None:
        """Find the importer's layers once; most files are in none that this rule checks."""
        super().__init__(context)
        self._layers = sorted(layer for layer in context.layers if layer in FORBIDDEN)
        self._http_free = context.in_layer(*HTTP_FREE)

    def visit_Import(self, node: cst.Import) -> None:
        """Check `import a.b.c`."""
        if self._layers:
            self._check_targets(node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        """Check `from a.b import c` and `from ..b import c`."""
        if not self._layers:
            return
        if self._http_free and not node.relative and not isinstance(node.names, cst.ImportStar):
            module = dotted(node.module)
            for alias in node.names:
                name = dotted(alias.name)
                if _http_object(module, name):
                    layer = next(layer for layer in HTTP_FREE if layer in self.context.layers)
                    self.report(node, HttpMessage(layer=layer, name=f"{module}.{name}"))
                    return
        self._check_targets(node)

    def _check_targets(self, node: cst.Import | cst.ImportFrom) -> None:
        own = self.context.layers
        for target in import_targets(self.context, node):
            if target.layers & own:
                continue
            for layer in self._layers:
                wrong = [name for name in FORBIDDEN[layer] if name in target.layers]
                if wrong:
                    self.report(node, LayerMessage(layer=layer, module=target.module, target=wrong[0]))
                    return
