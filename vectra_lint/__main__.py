"""``python -m vectra_lint``."""

from vectra_lint.cli import main

if __name__ == "__main__":
    main()
