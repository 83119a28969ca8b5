"""The jacobian page."""
