"""Gradient Explorer: an interactive explanation of vanishing and exploding gradients."""
