"""Fixes: helpers rules build them with, and the fixer that applies, verifies and writes them."""
