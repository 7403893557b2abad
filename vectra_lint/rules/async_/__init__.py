"""Rules of the async family."""
