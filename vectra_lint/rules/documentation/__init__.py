"""Rules of the documentation and dead-code family (§9, §12, §13)."""
