"""Rules of the architecture family: layers, configuration, dependency injection (§2, §5, §7, §8)."""
