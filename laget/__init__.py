"""Laget: a platform for samhandling around one person."""
