"""The UI's pages, one Streamlit script each (ui/app.py lists them)."""
