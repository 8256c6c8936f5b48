"""Loaders and the demo district."""
