"""Placeholder: filled in by the power work."""

__all__: list[str] = []
