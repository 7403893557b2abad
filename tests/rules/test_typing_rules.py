"""VL101-VL104 beyond their own examples: positions, exemptions, options and the `-> None` fix."""

from __future__ import annotations

from collections.abc import Mapping

from tests.helpers import fix, lint, parses, settings_for
from vectra_lint.diagnostics import Diagnostic


def found(code: str, source: str, path: str = "app/example.py", **options: object) -> list[Diagnostic]:
    settings = settings_for(code, options={code: options})
    return [d for d in lint(source, settings, path) if d.code == code]


def positions(code: str, source: str, path: str = "app/example.py", **options: object) -> list[tuple[int, int]]:
    return [(d.line, d.column) for d in found(code, source, path, **options)]


def fixed(code: str, source: str, options: Mapping[str, object] | None = None) -> str:
    outcome = fix(source, settings_for(code, options={code: dict(options or {})}), code)
    assert outcome.error is None
    assert parses(outcome.text)
    return outcome.text


# VL101 missing-argument-annotation

SIGNATURES = """\
class Service:
    def run(
        self,
        job,
        *extra,
        retries: int = 3,
        **options,
    ) -> None:
        pass

    @staticmethod
    def build(config) -> None:
        pass

    @classmethod
    def create(cls, name: str, /, size) -> None:
        pass
"""


def test_vl101_reports_each_parameter_at_its_name() -> None:
    assert positions("VL101", SIGNATURES) == [(4, 9), (5, 10), (7, 11), (12, 15), (16, 35)]


def test_vl101_messages_name_the_parameter_with_its_stars() -> None:
    messages = [d.message for d in found("VL101", SIGNATURES)]
    assert messages[1] == "Parameter `*extra` has no type annotation (§1)"
    assert messages[2] == "Parameter `**options` has no type annotation (§1)"


def test_vl101_self_is_exempt_in_methods_of_nested_classes_but_not_in_functions() -> None:
    source = (
        "def factory() -> None:\n"
        "    class Local:\n"
        "        def method(self, x: int) -> None:\n            pass\n"
        "    def helper(self) -> None:\n        pass\n"
    )
    assert positions("VL101", source) == [(5, 16)]


def test_vl101_overload_stubs_are_checked_but_not_the_implementation() -> None:
    source = (
        "import typing\n\n\n"
        "class Reader:\n"
        "    @typing.overload\n    def read(self, size) -> bytes: ...\n"
        "    @typing.overload\n    def read(self, size: None) -> None: ...\n"
        "    def read(self, size):\n        return b''\n"
    )
    assert positions("VL101", source) == [(6, 20)]


def test_vl101_an_overload_of_another_name_does_not_exempt_the_next_function() -> None:
    source = (
        "from typing import overload\n\n\n"
        "@overload\ndef parse(raw: str) -> str: ...\n"
        "def convert(raw):\n    return raw\n"
    )
    assert positions("VL101", source) == [(6, 13)]


def test_vl101_noqa_on_the_def_line_of_a_multiline_signature() -> None:
    source = "def handler(  # noqa: VL101\n    event,\n) -> None:\n    pass\n"
    assert found("VL101", source) == []


# VL102 missing-return-annotation


def test_vl102_reports_at_the_function_name() -> None:
    source = "class A:\n    @property\n    def value(self):\n        return 1\n\n\nasync def fetch():\n    return 2\n"
    assert positions("VL102", source) == [(3, 9), (7, 11)]


def test_vl102_fix_ignores_returns_of_nested_functions_lambdas_and_classes() -> None:
    source = '''\
def register(app: object):
    """Register the handlers."""

    def handler(event: str):
        return event.upper()

    class Plugin:
        def name(self):
            return "plugin"

    callback = lambda: (yield)
    app.add(handler, Plugin, callback)
    if not app:
        return None
    return
'''
    after = fixed("VL102", source)
    assert after.startswith("def register(app: object) -> None:\n")
    assert "    def handler(event: str):\n" in after
    assert "        def name(self):\n" in after


def test_vl102_fix_keeps_comments_and_odd_spacing_of_the_signature() -> None:
    source = "def setup(\n    a: int,\n    b: int,  # the second\n)  :  # set up\n    print(a, b)\n"
    assert fixed("VL102", source) == (
        "def setup(\n    a: int,\n    b: int,  # the second\n) -> None  :  # set up\n    print(a, b)\n"
    )


def test_vl102_fix_on_one_line_functions_and_decorated_methods() -> None:
    source = "import functools\n\n\nclass A:\n    @functools.cache\n    def warm(self): self.ready = True\n"
    assert fixed("VL102", source).endswith("    def warm(self) -> None: self.ready = True\n")


def test_vl102_no_fix_where_none_is_not_provable() -> None:
    sources = [
        "def gen():\n    yield from range(3)\n",
        "async def agen():\n    yield 1\n",
        "def value():\n    if True:\n        return 1\n",
        "from abc import abstractmethod\n\n\nclass A:\n    @abstractmethod\n    def run(self):\n        pass\n",
        "def stub():\n    '''Documented later.'''\n    ...\n",
        "from typing import Protocol\n\n\nclass P(Protocol):\n    def run(self):\n        '''Run.'''\n",
        "def fail(message: str):\n    raise RuntimeError(message)\n",
    ]
    for source in sources:
        diagnostics = found("VL102", source)
        assert len(diagnostics) == 1, source
        assert diagnostics[0].fix is None, source


def test_vl102_pass_body_outside_a_protocol_gets_the_fix() -> None:
    assert fixed("VL102", "class Hooks:\n    def ready(self):\n        pass\n").endswith(
        "def ready(self) -> None:\n        pass\n"
    )


def test_vl102_fix_is_safe_and_a_second_run_fixes_nothing() -> None:
    source = "class A:\n    def __init__(self):\n        self.x = 1\n"
    diagnostic = found("VL102", source)[0]
    assert diagnostic.fix is not None and diagnostic.fix.applicability.value == "safe"
    after = fixed("VL102", source)
    assert found("VL102", after) == []


# VL103 unexplained-any


def test_vl103_reports_each_any_at_its_position() -> None:
    source = (
        "import typing\nfrom typing import Any\n\n\n"
        "def merge(left: dict[int, Any], right: typing.Any) -> list[Any]:\n    return []\n"
    )
    assert positions("VL103", source) == [(5, 27), (5, 40), (5, 60)]


def test_vl103_comment_on_the_line_or_directly_above() -> None:
    source = (
        "from typing import Any\n\n\n"
        "class Event:\n"
        "    # Any: payloads come from plugins\n    payload: Any\n"
        "    meta: Any  # free-form metadata\n"
        "    # a comment two lines above does not count\n\n"
        "    extra: Any\n"
    )
    assert positions("VL103", source) == [(10, 12)]


def test_vl103_comment_ending_a_multiline_annotation() -> None:
    source = (
        "from typing import Any\n\n"
        "handlers: list[\n    int\n    | Any,\n] = []  # handler signatures vary by plugin\n"
        "other: list[\n    int\n    | Any,\n] = []\n"
    )
    assert positions("VL103", source) == [(9, 7)]


def test_vl103_tool_directives_are_not_explanations() -> None:
    source = "from typing import Any\n\nx: Any = 1  # type: ignore\ny: Any = 2  # pragma: no cover\n"
    assert len(found("VL103", source)) == 2


def test_vl103_noqa_suppresses_and_is_used() -> None:
    source = "from typing import Any\n\nx: Any = 1  # noqa: VL103\n"
    settings = settings_for("VL103", "VL002")
    assert [d.code for d in lint(source, settings) if d.code in ("VL103", "VL002")] == []


def test_vl103_any_that_is_not_typing_any() -> None:
    source = "class Any:\n    pass\n\n\ndef f(x: Any) -> None:\n    pass\n"
    assert found("VL103", source) == []


def test_vl103_typing_extensions_and_string_annotations() -> None:
    source = "import typing_extensions as te\n\n\ndef f(x: te.Any, y: 'list[Any]') -> None:\n    pass\n"
    assert positions("VL103", source) == [(4, 10), (4, 21)]


def test_vl103_nested_function_signature_uses_its_own_header() -> None:
    source = (
        "from typing import Any\n\n\n"
        "def outer() -> None:  # Any below is fine\n"
        "    def inner(x: Any) -> None:\n        pass\n"
    )
    assert positions("VL103", source) == [(5, 18)]


# VL104 raw-string-enum-field


def test_vl104_only_in_schema_and_model_layers() -> None:
    source = "class Order:\n    status: str\n"
    assert positions("VL104", source, "app/schemas/order.py") == [(2, 5)]
    assert positions("VL104", source, "app/models/order.py") == [(2, 5)]
    assert positions("VL104", source, "app/api/orders.py") == []


def test_vl104_annotated_and_union_forms() -> None:
    source = (
        "from typing import Annotated, Union\n\nfrom pydantic import Field\n\n\n"
        "class Item:\n"
        "    item_type: Annotated[str, Field(max_length=20)]\n"
        "    state: Union[str, None] = None\n"
        "    kind: None | str = None\n"
        "    status: int\n"
        "    order_status: list[str]\n"
    )
    assert positions("VL104", source, "app/models/item.py") == [(7, 5), (8, 5), (9, 5)]


def test_vl104_names_are_case_insensitive_and_configurable() -> None:
    source = "class Item:\n    Status: str\n    phase: str\n"
    assert positions("VL104", source, "app/schemas/item.py") == [(2, 5)]
    assert positions("VL104", source, "app/schemas/item.py", names=["phase"], suffixes=[]) == [(3, 5)]


def test_vl104_message_names_the_field() -> None:
    message = found("VL104", "class Item:\n    doc_type: str\n", "app/schemas/item.py")[0].message
    assert message == "Field `doc_type` is annotated `str`; use an `Enum` of its values (§11)"
