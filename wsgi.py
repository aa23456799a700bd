"""WSGI entry point: `gunicorn wsgi:app` (CONSULT_ENV selects the configuration)."""

from consult import create_app

app = create_app()
