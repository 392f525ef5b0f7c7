"""Writes of the quality app's own records (the learning network)."""
