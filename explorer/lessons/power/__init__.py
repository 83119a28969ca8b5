"""The power page."""
