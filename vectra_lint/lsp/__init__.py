"""The language server (``vectra-lint server``)."""
