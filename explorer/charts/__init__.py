"""Altair chart builders: arrays in, charts out; no Streamlit."""
