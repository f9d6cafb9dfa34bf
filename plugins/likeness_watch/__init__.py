"""Likeness Watch: longitudinal multi-hub monitoring of likeness models."""

__version__ = "0.1.0"
