"""`--fix -` hands back the input's own bytes, or the fixed text in the input's own encoding."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from tests.hardening.conftest import run

LATIN = b'# -*- coding: latin-1 -*-\n"""Caf\xe9."""\nx = 1\n'


@pytest.mark.parametrize(
    "data",
    [
        LATIN,
        codecs.BOM_UTF8 + '"""Café."""\nx = 1\n'.encode(),
        b'"""Doc."""\r\nx = "\xe9"\r\n',  # not UTF-8: a VL001, nothing to fix
        b"\x00\x01\x02binary\xff",
        b'# coding: utf-16\n"""Doc."""\n',  # a cookie Python cannot use for source
        '"""Doc."""\nx = "ünïcødé"\n'.encode(),
        b'"""Doc."""\rx = 1\r',
    ],
    ids=["latin-1 cookie", "BOM", "invalid UTF-8", "binary", "utf-16 cookie", "utf-8", "CR only"],
)
def test_nothing_fixed_gives_back_the_exact_input_bytes(project: Path, data: bytes) -> None:
    result = run("check", "--fix", "-", stdin=data)
    assert result.stdout_bytes == data


def test_a_fix_is_written_in_the_inputs_encoding(project: Path) -> None:
    data = b'# -*- coding: latin-1 -*-\n"""Caf\xe9."""\nx = 1  # noqa: VL401\n'
    result = run("check", "--fix", "-", stdin=data)
    assert result.exit_code == 0
    assert result.stdout_bytes == LATIN


def test_a_fix_keeps_the_bom_and_line_ends(project: Path) -> None:
    data = codecs.BOM_UTF8 + '"""Café."""\r\nx = 1  # noqa: VL401\r\n'.encode()
    result = run("check", "--fix", "-", stdin=data)
    assert result.exit_code == 0
    assert result.stdout_bytes == codecs.BOM_UTF8 + '"""Café."""\r\nx = 1\r\n'.encode()
