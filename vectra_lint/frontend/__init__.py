"""Readers of the frontend's TypeScript and translation files (for the VL7xx consistency rules)."""
