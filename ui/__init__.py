"""The Streamlit UI: talks only to the HTTP API (API_URL), runs on Container Apps and on localhost:8501."""
