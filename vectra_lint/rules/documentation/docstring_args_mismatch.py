"""VL604 docstring-args-mismatch."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from vectra_lint.analysis.definitions import (
    OVERLOAD,
    Body,
    Definition,
    Definitions,
    FunctionBodies,
    docstring,
    docstring_text,
    implicit_first_parameter,
)
from vectra_lint.analysis.docstring_sections import may_have_sections, parse
from vectra_lint.api import Expect, Invalid, Message, Rule, Valid
from vectra_lint.engine.scope import dotted_name

_NO_VALUE = frozenset({"None", "NoReturn", "Never"})
_PROPERTIES = frozenset({"property", "cached_property", "abstractproperty", "getter"})


@dataclass(frozen=True)
class UndocumentedMessage(Message):
    """A parameter (with its stars) that the docstring's parameters section (``Args`` or
    ``Parameters``) does not list."""

    parameter: str
    function: str
    section: str

    def __str__(self) -> str:
        """The text users see."""
        return (
            f"Parameter `{self.parameter}` of `{self.function}` is missing from the docstring's {self.section} section"
        )


@dataclass(frozen=True)
class StarsMessage(Message):
    """A parameter documented with other stars than it has (``written``: as the docstring has it)."""

    parameter: str
    function: str
    written: str

    def __str__(self) -> str:
        """The text users see."""
        return f"Parameter `{self.parameter}` of `{self.function}` is documented as `{self.written}`"


@dataclass(frozen=True)
class UnknownMessage(Message):
    """A documented name (as written) that is no parameter of the function."""

    written: str
    function: str

    def __str__(self) -> str:
        """The text users see."""
        return f"The docstring documents `{self.written}`, which is not a parameter of `{self.function}`"


@dataclass(frozen=True)
class NoReturnsMessage(Message):
    """A function that returns a value, whose docstring has no ``Returns`` section."""

    function: str

    def __str__(self) -> str:
        """The text users see."""
        return f"`{self.function}` returns a value but its docstring has no Returns section"


class DocstringArgsMismatch(Rule):
    """
    ## What it does
    Checks a function's Google- or NumPy-style docstring against its signature and flags:
    a parameter missing from the `Args:`/`Parameters` section (`Keyword Args:` and
    `Other Parameters` count too), a documented parameter that does not exist, `*args` or
    `**kwargs` documented without their stars (or stars on a plain parameter), and a missing
    `Returns` section when the function returns a value. Each message names the parameter.

    A function returns a value when its return annotation is not `None`/`NoReturn`/`Never`, or,
    without an annotation, when its body has a `return <value>`. `__init__`, properties and
    generators (which document `Yields`) need no `Returns`. `self`/`cls` are never documented.
    Each mismatch is one diagnostic, at the function name.

    ## Why is this bad?
    §9 and §12: docstrings follow the Google or NumPy style and say what the arguments and the
    return value are. A docstring that lists other parameters than the function takes misleads
    every reader, and one that is silent about the result leaves callers guessing.

    ## Notes
    Only structured docstrings are checked: those with a parameters, `Returns`, `Yields` or
    `Raises` section. A prose docstring (or reST `:param x:` fields) is left alone, because its
    style cannot be told apart from a one-line summary. Arguments documented in a class
    docstring for `__init__` are not checked. `@overload` stubs are skipped.
    """

    code = "VL604"
    name = "docstring-args-mismatch"
    message = "The docstring does not match the function's parameters or return value (§12)"
    valid = (
        Valid(
            "def calculate_hash(file_path: str, *chunks: bytes, **options: int) -> str:\n"
            '    """Calculate the MD5 hash of a file.\n\n'
            "    Args:\n        file_path (str): The absolute path to the file.\n"
            "            It must exist.\n        *chunks: Extra data.\n        **options: Hash options.\n\n"
            '    Returns:\n        str: The hexdigest of the hash.\n    """\n'
            "    return file_path\n"
        ),
        Valid(
            "def scale(x: float, y: float, factor: float = 2.0) -> tuple[float, float]:\n"
            '    """Scale a point.\n\n    Parameters\n    ----------\n    x, y : float\n        The point.\n'
            "    factor : float, optional\n        How much.\n\n"
            '    Returns\n    -------\n    tuple of float\n    """\n'
            "    return x * factor, y * factor\n"
        ),
        Valid(
            "class Store:\n    def __init__(self, path: str) -> None:\n"
            '        """Open the store.\n\n        Args:\n            path: Where.\n        """\n'
            "        self.path = path\n"
        ),
        Valid('def ping(host: str) -> bool:\n    """Ping a host and tell whether it answered."""\n    return True\n'),
        Valid(
            "def rows(table: str):\n"
            '    """Stream rows.\n\n    Args:\n        table: The table.\n\n    Yields:\n        A row.\n    """\n'
            "    yield table\n"
        ),
        Valid(
            "class User:\n    @property\n    def name(self) -> str:\n"
            '        """The name.\n\n        Raises:\n            KeyError: When unset.\n        """\n'
            "        return 'x'\n"
        ),
    )
    invalid = (
        Invalid(
            "def move(src: str, dst: str) -> None:\n"
            '    """Move a file.\n\n    Args:\n        src: From.\n        target: To.\n    """\n'
            "    pass\n",
            expected=(
                Expect(1, 5, UndocumentedMessage("dst", "move", "Args")),
                Expect(1, 5, UnknownMessage("target", "move")),
            ),
        ),
        Invalid(
            "def run(*args: str, **kwargs: str) -> None:\n"
            '    """Run.\n\n    Args:\n        args: Positional.\n        **kwargs: Named.\n    """\n',
            expected=(Expect(1, 5, StarsMessage("*args", "run", "args")),),
        ),
        Invalid(
            "def total(prices: list[float]):\n"
            '    """Add prices.\n\n    Args:\n        prices: The prices.\n    """\n'
            "    return sum(prices)\n",
            expected=(Expect(1, 5, NoReturnsMessage("total")),),
        ),
        Invalid(
            "def size(path: str) -> int:\n"
            '    """Size of a file.\n\n    Parameters\n    ----------\n    name : str\n        The file.\n    """\n'
            "    raise NotImplementedError\n",
            expected=(
                Expect(1, 5, UndocumentedMessage("path", "size", "Parameters")),
                Expect(1, 5, UnknownMessage("name", "size")),
                Expect(1, 5, NoReturnsMessage("size")),
            ),
        ),
    )

    analyses = (Definitions, FunctionBodies)

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        """Compare the function's docstring with its signature."""
        body = self.context.analysis(FunctionBodies).current
        definition = self.context.analysis(Definitions).current
        if definition.decorated_with(OVERLOAD):
            return
        literal = docstring(node.body)
        if literal is None:
            return
        # Evaluating a literal costs a `compile`; most docstrings have no section to check.
        if isinstance(literal, cst.SimpleString) and not may_have_sections(literal.value):
            return
        text = docstring_text(literal)
        parsed = parse(text) if text is not None else None
        if parsed is None or not parsed.structured:
            return
        section = "Parameters" if parsed.style == "numpy" else "Args"
        function = node.name.value
        actual = _parameters(definition)
        documented = {param.name: param for param in parsed.params}
        for name, stars in actual:
            entry = documented.get(name)
            message: Message
            if entry is None:
                message = UndocumentedMessage(f"{stars}{name}", function, section)
            elif entry.stars != stars:
                message = StarsMessage(f"{stars}{name}", function, entry.written)
            else:
                continue
            self.report(node.name, message, anchor=node)
        names = {name for name, _ in actual}
        implicit = implicit_first_parameter(definition)
        if implicit is not None:
            # Documenting `self` is odd but not wrong.
            names.add(implicit.name.value)
        for param in parsed.params:
            if param.name not in names:
                self.report(node.name, UnknownMessage(param.written, function), anchor=node)
        if "returns" not in parsed.sections and _returns_value(definition, body):
            self.report(node.name, NoReturnsMessage(function), anchor=node)


def _parameters(definition: Definition) -> list[tuple[str, str]]:
    """The documentable parameters as (name, stars), ``self``/``cls`` left out."""
    node = definition.node
    assert isinstance(node, cst.FunctionDef)
    params = node.params
    implicit = implicit_first_parameter(definition)
    positional = [param for param in (*params.posonly_params, *params.params) if param is not implicit]
    found = [(param.name.value, "") for param in positional]
    if isinstance(params.star_arg, cst.Param):
        found.append((params.star_arg.name.value, "*"))
    found.extend((param.name.value, "") for param in params.kwonly_params)
    if isinstance(params.star_kwarg, cst.Param):
        found.append((params.star_kwarg.name.value, "**"))
    return found


def _returns_value(definition: Definition, body: Body) -> bool:
    node = definition.node
    assert isinstance(node, cst.FunctionDef)
    if body.yields or node.name.value == "__init__":
        return False
    if any(decorator.rsplit(".", 1)[-1] in _PROPERTIES for decorator in definition.decorators):
        return False
    if node.returns is not None:
        annotation = node.returns.annotation
        name = dotted_name(annotation)
        if isinstance(annotation, (cst.SimpleString, cst.ConcatenatedString)):
            value = annotation.evaluated_value
            name = value.strip() if isinstance(value, str) else None
        return name is None or name.rsplit(".", 1)[-1] not in _NO_VALUE
    return body.returns_value
