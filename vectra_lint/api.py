"""The public API of vectra-lint rules: everything a rule needs, built-in or a team's own plugin.

``API_VERSION`` is this surface's version, in semantic versioning (https://semver.org): a name
removed or a signature changed incompatibly bumps the major number, a name added bumps the minor,
a fix the patch. It is independent of the tool's version: a plugin written against 1.x keeps
working with any tool whose ``API_VERSION`` starts with 1. Only the names in ``__all__`` are
public; anything else (``vectra_lint.engine``, ``vectra_lint.analysis`` ...) may change any time.

Built-in rules import from here too, so that the surface a plugin sees is the one the built-in
rules are written against. A rule is a subclass of :class:`Rule`::

    import libcst as cst

    from vectra_lint.api import Expect, Invalid, Rule, Valid

    class NoPrint(Rule):
        '''## What it does
        Reports `print()`.

        ## Why is this bad?
        Output belongs in the logs.
        '''

        code = "ACME001"
        name = "no-print"
        message = "`print()` in application code"
        call_names = frozenset({"print"})
        valid = (Valid("logger.info('x')\\n"),)
        invalid = (Invalid("print('x')\\n", expected=(Expect(1, 1),)),)

        def visit_Call(self, node: cst.Call) -> None:
            self.report(node)

What the parts are:

- The rule: :class:`Rule` (class metadata, ``visit_<Node>``/``leave_<Node>`` handlers run in the
  engine's single walk, ``report``, ``finish``, ``applies``), ``Message`` (a message with typed
  fields), :class:`FileContext` (``self.context``: the file's path, source, layers, scope and
  settings) and ``dotted_name`` (``a.b.c`` of an expression).
- Fixes: :class:`FixSpec` made of node edits (:class:`Replace`, :class:`InsertBefore`,
  :class:`InsertAfter`, :class:`InsertInto`, :class:`InsertAt`, :class:`Delete`), with
  :class:`FixAvailability` (``NEVER``, ``SOMETIMES``, ``ALWAYS``) and :class:`Applicability` (a
  fix's safety: ``SAFE`` or ``UNSAFE``).
- Options (``[tool.vectra-lint.rules.<name>]``): :class:`StringsOption`, :class:`GlobsOption`,
  :class:`StringOption`, :class:`BoolOption`, :class:`IntOption`, :class:`ChoiceOption`.
- Examples, which are tests (``vectra-lint test-rules``): :class:`Valid`, :class:`Invalid`,
  :class:`Expect`.
- Shared analyses a rule may list in ``analyses`` and read with ``self.context.analysis(Cls)``:
  :class:`Definitions`, :class:`FunctionBodies`, :class:`Loggers`, :class:`LogCalls`,
  :class:`CorrelationAnalysis`, :class:`BlockingCalls`, :class:`PydanticModels`; and
  :class:`Analysis`, the base of one's own.
- The project phase (``Rule.resolve_pending``): :class:`Diagnostic`, :class:`Project`.
"""

from __future__ import annotations

from vectra_lint.analysis.blocking_calls import BlockingCalls
from vectra_lint.analysis.correlation import CorrelationAnalysis
from vectra_lint.analysis.definitions import Definitions, FunctionBodies
from vectra_lint.analysis.log_calls import LogCalls
from vectra_lint.analysis.loggers import Loggers
from vectra_lint.analysis.project import Project
from vectra_lint.analysis.pydantic_models import PydanticModels
from vectra_lint.diagnostics import Applicability, Diagnostic
from vectra_lint.engine.context import FileContext
from vectra_lint.engine.scope import dotted_name
from vectra_lint.rule import (
    Analysis,
    BoolOption,
    ChoiceOption,
    Delete,
    Expect,
    FixAvailability,
    FixSpec,
    GlobsOption,
    InsertAfter,
    InsertAt,
    InsertBefore,
    InsertInto,
    IntOption,
    Invalid,
    Message,
    NodeEdit,
    Option,
    OptionError,
    Replace,
    Rule,
    StringOption,
    StringsOption,
    Valid,
)

API_VERSION = "1.0.0"
"""The version of this module's names and their behaviour (semver; see the module docstring)."""

__all__ = [
    "API_VERSION",
    "Analysis",
    "Applicability",
    "BlockingCalls",
    "BoolOption",
    "ChoiceOption",
    "CorrelationAnalysis",
    "Definitions",
    "Delete",
    "Diagnostic",
    "Expect",
    "FileContext",
    "FixAvailability",
    "FixSpec",
    "FunctionBodies",
    "GlobsOption",
    "InsertAfter",
    "InsertAt",
    "InsertBefore",
    "InsertInto",
    "IntOption",
    "Invalid",
    "LogCalls",
    "Loggers",
    "Message",
    "NodeEdit",
    "Option",
    "OptionError",
    "Project",
    "PydanticModels",
    "Replace",
    "Rule",
    "StringOption",
    "StringsOption",
    "Valid",
    "dotted_name",
]
