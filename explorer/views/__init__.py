"""One thin Streamlit module per page."""
