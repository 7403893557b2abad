"""Configuration: reading ``[tool.vectra-lint]`` (``loader``) into resolved ``settings``."""
