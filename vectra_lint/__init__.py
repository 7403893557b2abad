"""vectra-lint: a libcst-based linter and autofixer for the Vectra backend coding standard."""

import time

__version__ = "0.1.0"

# When the package began to load, for `check --timings`' start-up figure (imports included).
STARTED = time.perf_counter()
