"""The one door to libcst's internals: checked when it opens, with a public path for each part
that disagrees, and a switch that takes the public path everywhere."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import libcst as cst
import pytest

from vectra_lint.engine import libcst_private

ROOT = Path(__file__).resolve().parent.parent
PRIVATE_NAMES = ("libcst._nodes", "libcst._parser", "libcst._position", "libcst._add_slots", "libcst.native")


def _python(script: str, folder: Path | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("VECTRA_LINT_LIBCST")}
    command = [sys.executable, "-c", script]
    if folder is not None:  # as a file: processes started afresh import the script
        (folder / "script.py").write_text(script, encoding="utf-8")
        command = [sys.executable, str(folder / "script.py")]
    return subprocess.run(command, capture_output=True, text=True, check=True, env={**environment, **env})


def test_no_other_module_reaches_into_libcst() -> None:
    door = ROOT / "vectra_lint" / "engine" / "libcst_private.py"
    offenders = []
    for path in (ROOT / "vectra_lint").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if path != door and ("._codegen" in text or "CodegenState" in text or any(n in text for n in PRIVATE_NAMES)):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_the_installed_libcst_passes_every_check_without_a_word() -> None:
    done = _python("from vectra_lint.engine.libcst_private import PRIVATE; print(PRIVATE)")
    assert done.stdout.strip() == "Paths(parsing=True, codegen=True, fields=True)"
    assert done.stderr == ""


def test_a_node_type_the_sample_lacks_gets_its_constructor_when_first_built() -> None:
    # Constructors are compiled when a type is first built: `global` is not in the checks' sample.
    script = (
        "import libcst as cst\n"
        "from vectra_lint.engine.libcst_private import PRIVATE, parse_module\n"
        "print(PRIVATE)\n"
        "print(hasattr(cst.Global.__init__, '__wrapped__'))\n"
        "source = 'def f():\\n    global x, y\\n'\n"
        "ours = parse_module(source)\n"
        "print(ours.deep_equals(cst.parse_module(source)), ours.code == source)\n"
        "print(hasattr(cst.Global.__init__, '__wrapped__'), cst.Global.__init__.__code__.co_varnames[:2])\n"
        "try:\n"
        "    cst.Global(names=())\n"
        "except cst.CSTValidationError:\n"
        "    print('still validated outside a parse')\n"
    )
    done = _python(script)
    assert done.stdout.splitlines() == [
        "Paths(parsing=True, codegen=True, fields=True)",
        "True",  # compiled when first built
        "True True",
        "False ('self', 'names')",
        "still validated outside a parse",
    ]
    assert done.stderr == ""


def test_the_environment_forces_the_public_path_everywhere() -> None:
    script = (
        "import libcst as cst\n"
        "from vectra_lint.engine.libcst_private import PRIVATE\n"
        "print(PRIVATE)\n"
        "print('_validating' in cst.Name.__init__.__globals__)\n"
    )
    done = _python(script, VECTRA_LINT_LIBCST="public")
    mode, replaced = done.stdout.splitlines()
    assert mode == "Paths(parsing=False, codegen=False, fields=False)"
    assert replaced == "False"  # libcst's own constructors are left in place
    assert done.stderr == ""


def test_a_part_that_disagrees_falls_back_with_one_notice_per_run(tmp_path: Path) -> None:
    # A libcst whose compound statements list their children in another order than the walk's
    # table says: the walk must read them from `children`, and say so once, not once per worker.
    script = (
        "import multiprocessing, libcst as cst\n"
        "original = cst.CSTNode.children.fget\n"
        "cst.CSTNode.children = property(lambda self: list(reversed(original(self))) if type(self) is cst.If "
        "else original(self))\n"
        "from vectra_lint.engine import libcst_private\n"
        "def mode(_):\n"
        "    from vectra_lint.engine.libcst_private import PRIVATE\n"
        "    return PRIVATE.fields\n"
        "if __name__ == '__main__':\n"
        "    print(libcst_private.PRIVATE)\n"
        "    with multiprocessing.get_context('spawn').Pool(2) as pool:\n"
        "        print(pool.map(mode, [0, 1]))\n"
    )
    done = _python(script, tmp_path)
    assert done.stdout.splitlines() == ["Paths(parsing=True, codegen=True, fields=False)", "[False, False]"]
    assert done.stderr.count("vectra-lint: libcst") == 1
    assert "for: fields;" in done.stderr


def test_each_check_fails_when_its_part_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    module = cst.parse_module(libcst_private._SAMPLE)
    small = cst.parse_module(libcst_private._CODEGEN_SAMPLE)
    assert libcst_private._check_parsing(libcst_private._SAMPLE, module)
    assert libcst_private._check_codegen(small)
    assert libcst_private._check_fields(module)
    with monkeypatch.context() as patch:
        patch.setattr(libcst_private, "_native_parse", lambda text: cst.parse_module("x = 1\n"))
        assert not libcst_private._check_parsing(libcst_private._SAMPLE, module)
    with monkeypatch.context() as patch:
        # Syntactic positions no longer recorded: spans would include the whitespace around.
        patch.setattr(libcst_private._LocatingState, "record_syntactic_position", lambda self, node, **_: _NOTHING)
        assert not libcst_private._check_codegen(small)
    with monkeypatch.context() as patch:
        # An expression's closing parentheses no longer written.
        patch.setattr(libcst_private._Parenthesized, "__exit__", lambda self, *exc_info: None)
        assert not libcst_private._check_codegen(small)
    with monkeypatch.context() as patch:
        # An expression's syntactic position recorded outside its parentheses.
        patch.setattr(libcst_private._Parenthesized, "__enter__", lambda self: _opening_only(self))
        assert not libcst_private._check_codegen(small)
    with monkeypatch.context() as patch:
        patch.setitem(libcst_private._SOURCE_ORDER, cst.If, tuple(reversed(libcst_private._SOURCE_ORDER[cst.If])))
        assert not libcst_private._check_fields(module)
    with monkeypatch.context() as patch:
        patch.setitem(libcst_private._SOURCE_ORDER, cst.If, libcst_private._SOURCE_ORDER[cst.If][1:])
        assert not libcst_private._check_fields(module)


_NOTHING = libcst_private._NOTHING


def _opening_only(parenthesized: libcst_private._Parenthesized) -> None:
    for lpar in parenthesized.node.lpar:
        lpar._codegen(parenthesized.state)


@pytest.mark.parametrize(
    "source",
    [
        "def f():\n    if a:\n        x = g(1,\n              2)\n",
        "class C:\n\tdef m(self):\n\t\treturn h(a, b)  # c\n",
        "if a:\r\n    # lead\r\n\r\n    @d\r\n    def f(): pass\r\n",
    ],
)
def test_the_public_generation_writes_what_the_private_one_does(source: str) -> None:
    module = cst.parse_module(source)
    spans = libcst_private._public_spans(module)
    nodes = [node for node in libcst_private._descendants(module) if not isinstance(node, cst.Module)]
    for node in nodes:
        indent = spans[id(node)][4]
        if isinstance(node, (cst.BaseStatement, cst.BaseSmallStatement, cst.BaseExpression)):
            assert libcst_private._public_generate(module, node, indent) == libcst_private.generate(
                module, node, indent
            ), type(node).__name__


@pytest.mark.expensive
def test_the_public_path_reports_what_the_private_one_does() -> None:
    command = [sys.executable, "-m", "vectra_lint", "check", "fixtures/sample_backend", "--output-format", "json"]
    command.append("--no-cache")
    environment = {k: v for k, v in os.environ.items() if not k.startswith("VECTRA_LINT_LIBCST")}
    private = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=environment)
    public = subprocess.run(
        command, capture_output=True, text=True, cwd=ROOT, env={**environment, "VECTRA_LINT_LIBCST": "public"}
    )
    assert private.returncode == public.returncode == 1
    assert public.stdout == private.stdout
    assert public.stderr == private.stderr


_TEMPLATE_SUBJECT = '''\
# leading comment
@decorated(
    "arg",  # a comment in brackets
)
async def handle(
    a: int,
    b: str,
) -> str:
    """Doc.

    Indented doc line.
    """
    text = """multi
line"""
    if a:
        # a comment line
        return call(a,
                    b)
    return text
'''


@pytest.mark.parametrize("indent", [(), ("    ",), ("\t", "  "), ("    ", "    ", "    ")])
def test_a_template_filled_in_is_what_generate_gives_at_that_indentation(indent: tuple[str, ...]) -> None:
    module = cst.parse_module(_TEMPLATE_SUBJECT)
    node = module.body[0]
    template = libcst_private.generate_template(module, node)
    if not libcst_private.PRIVATE.codegen:
        # The public path has no template: the rule and the engine generate the fix as before.
        assert template is None
        return
    assert template is not None
    assert libcst_private.fill_template(template, indent) == libcst_private.generate(module, node, indent)
    assert libcst_private.fill_template(template, ()) == module.code_for_node(node)
