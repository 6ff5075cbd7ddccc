"""The only Streamlit-aware helpers: cached data access, filters kept in the URL, shared components."""
