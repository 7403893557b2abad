"""Rules of the typing family (§1, §2, §11)."""
