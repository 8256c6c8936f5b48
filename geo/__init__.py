"""Spatial core of gridmap: settings, database, models, CRS conversion, validation.

Never imports Flask. Public functions take the session first and never commit.
"""
