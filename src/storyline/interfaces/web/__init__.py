"""Storyline's web UI and HTTP API (FastAPI + Jinja2): see :func:`app.create_app`."""
