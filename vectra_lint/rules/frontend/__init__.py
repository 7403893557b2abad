"""Rules of backend/frontend consistency (§11 models and enums, translated error codes)."""
