"""A run over many files: discovery, the process pool, Ruff, and the project phase."""
