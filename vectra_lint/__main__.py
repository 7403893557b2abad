"""``python -m vectra_lint`` and the ``vectra-lint`` command."""

import gc
import sys

_YOUNG_OBJECTS = 20_000
"""Container objects allocated (net) between two passes of the cyclic collector over the youngest
generation; Python's default is 700."""


def tune_collector() -> None:
    """Let the cyclic collector run less often in a process about to import everything.

    Starting up creates some 70,000 objects that live as long as the process (libcst's node
    classes, click, rich, every rule). At the default threshold the collector passed over them
    about 140 times meanwhile: a tenth of the imports' CPU time, measured. (Linting manages the
    collector itself: ``pipeline/runner.py``.)
    """
    gc.set_threshold(_YOUNG_OBJECTS, *gc.get_threshold()[1:])


def run() -> None:
    """Run the CLI. ``vectra-lint server`` starts the language server without loading the CLI:
    importing the CLI (click, rich, the reporters) was most of an editor's wait for the server."""
    tune_collector()
    if sys.argv[1:] == ["server"]:
        from vectra_lint.lsp.server import serve

        serve()
    from vectra_lint.cli import main

    main()


if __name__ == "__main__":
    run()
