"""``python -m vectra_lint`` and the ``vectra-lint`` command."""

import sys


def run() -> None:
    """Run the CLI. ``vectra-lint server`` starts the language server without loading the CLI:
    importing the CLI (click, rich, the reporters) was most of an editor's wait for the server."""
    if sys.argv[1:] == ["server"]:
        from vectra_lint.lsp.server import serve

        serve()
    from vectra_lint.cli import main

    main()


if __name__ == "__main__":
    run()
