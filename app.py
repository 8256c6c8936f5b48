"""WSGI entry: `gunicorn app:app`."""

from webmap import create_app

app = create_app()
