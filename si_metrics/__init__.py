"""SI Observatory domain package: catalogue, store, queries, ingest, translations. Never imports streamlit."""

__version__ = "0.1.0"
