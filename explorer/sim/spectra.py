"""Placeholder: filled in by the spectra work."""

__all__: list[str] = []
