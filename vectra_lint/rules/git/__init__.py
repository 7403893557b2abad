"""Rules about the git history (§10): they check commit messages, not Python files."""
