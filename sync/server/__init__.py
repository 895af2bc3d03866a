"""The district sync server (FastAPI + SQLAlchemy)."""
