"""Rules of the engine family."""
