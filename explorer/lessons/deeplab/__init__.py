"""The deep-network lab: initialisation, the edge of chaos, dynamical isometry, residual connections, batch norm."""
