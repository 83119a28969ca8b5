"""The eigenvalues page."""
