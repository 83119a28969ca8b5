"""Placeholder: filled in by the deep work."""

__all__: list[str] = []
