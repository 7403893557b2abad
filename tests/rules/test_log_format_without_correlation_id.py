"""VL405: when the prefix fix is safe (the handler using the format gets the field), and formats
that may be one of several literals."""

from __future__ import annotations

import pytest

from tests.helpers import fix, lint, parses, settings_for
from vectra_lint.diagnostics import Applicability

FILTER = (
    "import logging\nimport logging.config\n\n\n"
    "class RequestIdFilter(logging.Filter):\n"
    "    def filter(self, record: logging.LogRecord) -> bool:\n"
    "        record.correlation_id = request_id.get()\n"
    "        return True\n\n\n"
    "def tag(record: logging.LogRecord) -> bool:\n"
    '    setattr(record, "correlation_id", request_id.get())\n'
    "    return True\n\n\n"
)


def _safety(source: str) -> list[tuple[int, Applicability | None]]:
    found = [d for d in lint(source, settings_for("VL405")) if d.code == "VL405"]
    return [(d.line, d.fix.applicability if d.fix else None) for d in found]


@pytest.mark.parametrize(
    ("setup", "applicability"),
    [
        # The filter is on the handler that formats: safe, however the two are attached.
        (
            "out = logging.StreamHandler()\nout.addFilter(RequestIdFilter())\n"
            'out.setFormatter(logging.Formatter("%(message)s"))\n',
            Applicability.SAFE,
        ),
        (
            'cid = RequestIdFilter()\nplain = logging.Formatter("%(message)s")\nout = logging.FileHandler("x.log")\n'
            "out.setFormatter(plain)\nout.addFilter(cid)\n",
            Applicability.SAFE,
        ),
        ('out.addFilter(tag)\nout.setFormatter(logging.Formatter("%(message)s"))\n', Applicability.SAFE),
        # The filter is on another handler, or on a logger (which propagated records skip).
        (
            'err.addFilter(RequestIdFilter())\nout.setFormatter(logging.Formatter("%(message)s"))\n',
            Applicability.UNSAFE,
        ),
        (
            'logging.getLogger("app").addFilter(RequestIdFilter())\n'
            'root_logger.addFilter(RequestIdFilter())\nout.setFormatter(logging.Formatter("%(message)s"))\n',
            Applicability.UNSAFE,
        ),
        # A filter of another kind on the handler.
        (
            'out.addFilter(logging.Filter("app"))\nout.setFormatter(logging.Formatter("%(message)s"))\n',
            Applicability.UNSAFE,
        ),
        # basicConfig's own handler has no filter.
        ('logging.basicConfig(format="%(message)s")\n', Applicability.UNSAFE),
    ],
)
def test_vl405_safe_only_when_the_handler_using_the_format_sets_the_field(
    setup: str, applicability: Applicability
) -> None:
    source = FILTER + setup
    assert [safety for _, safety in _safety(source)] == [applicability]
    fixed = fix(source, settings_for("VL405"), "VL405").text
    assert parses(fixed) and '"[%(correlation_id)s] %(message)s"' in fixed


def test_vl405_a_record_factory_that_sets_the_field_makes_every_format_safe() -> None:
    source = (
        "import logging\n\nold_factory = logging.getLogRecordFactory()\n\n\n"
        "def factory(*args: object, **kwargs: object) -> logging.LogRecord:\n"
        "    record = old_factory(*args, **kwargs)\n    record.correlation_id = request_id.get()\n"
        "    return record\n\n\nlogging.setLogRecordFactory(factory)\n"
        'logging.basicConfig(format="%(levelname)s %(message)s")\n'
    )
    assert _safety(source) == [(13, Applicability.SAFE)]
    # The same factory without the field: nothing says records carry it.
    assert _safety(source.replace("record.correlation_id", "record.request")) == [(13, Applicability.UNSAFE)]


DICT_CONFIG = """def configure(debug: bool, fmt: str | None = None) -> None:
    logging.config.dictConfig(
        {
            "version": 1,
            "filters": {"rid": {"()": "app.core.log.RequestIdFilter"}, "lvl": {"()": LevelFilter}},
            "formatters": {
                "console": {"format": fmt or "%(asctime)s %(message)s"},
                "file": {"format": "%(name)s %(message)s" if debug else "%(message)s"},
            },
            "handlers": {
                "stdout": {"class": "logging.StreamHandler", "formatter": "console", "filters": ["rid", "lvl"]},
                "disk": {"class": "logging.FileHandler", "formatter": "file", "filters": ["rid"]},
                "audit": {"class": "logging.FileHandler", "formatter": "file", "filters": ["lvl"]},
            },
        }
    )
"""


def test_vl405_dict_config_formats_of_several_literals_and_their_handlers() -> None:
    source = FILTER + DICT_CONFIG
    # `console` is used by one handler that has the filter; `file` also by `audit`, which has not.
    assert _safety(source) == [
        (22, Applicability.SAFE),
        (23, Applicability.UNSAFE),
        (23, Applicability.UNSAFE),
    ]
    fixed = fix(source, settings_for("VL405"), "VL405").text
    assert '"format": fmt or "[%(correlation_id)s] %(asctime)s %(message)s"' in fixed
    assert (
        '"format": "[%(correlation_id)s] %(name)s %(message)s" if debug else "[%(correlation_id)s] %(message)s"'
        in fixed
    )
    assert parses(fixed)
    assert _safety(fixed) == []


def test_vl405_a_format_that_may_be_a_variable_or_a_literal() -> None:
    source = 'import logging\n\nhandler.setFormatter(logging.Formatter(fmt or "%(message)s"))\n'
    assert _safety(source) == [(3, Applicability.UNSAFE)]
    assert _safety("import logging\n\nlogging.Formatter(custom if custom else default)\n") == []
