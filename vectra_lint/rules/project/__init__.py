"""Rules of the project family: checks that need more of the project than the file itself (§14)."""
