"""WSGI entry: `gunicorn app:app` (the app warmed, as `gridmap serve` loads it)."""

from webmap import served_app

app = served_app()
