"""The pure engine: one file's source and settings in, diagnostics and fixes out."""
