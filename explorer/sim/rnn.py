"""Placeholder: filled in by the rnn work."""

__all__: list[str] = []
