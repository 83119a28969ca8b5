"""Cliffs in the loss landscape and gradient clipping."""
