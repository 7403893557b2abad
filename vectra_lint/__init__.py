"""vectra-lint: a libcst-based linter and autofixer for the Vectra backend coding standard."""

__version__ = "0.1.0"
