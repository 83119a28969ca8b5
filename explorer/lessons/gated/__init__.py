"""Gated memory: why LSTM and GRU keep gradients alive, and a live training race."""
