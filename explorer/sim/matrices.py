"""Placeholder: filled in by the matrices work."""

__all__: list[str] = []
