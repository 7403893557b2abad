"""Rules that judge the project as a whole (VL7xx)."""
