"""WSGI entry point: `gunicorn wsgi:app` (CONSULT_ENV selects the configuration)."""

import gc

from consult import create_app

app = create_app()
# What start-up created lives as long as the worker: moved out of the collector's reach, it is
# no longer traversed by every full collection, which otherwise adds tens of milliseconds to
# one request in a few (the p95 of large pages).
gc.freeze()
