"""The activations page."""
