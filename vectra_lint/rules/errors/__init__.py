"""Rules of the errors family."""
