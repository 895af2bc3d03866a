"""API routers (one module per area, FastAPI template style)."""
