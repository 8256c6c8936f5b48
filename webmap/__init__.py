"""Flask application."""
