"""Flask application factory: `create_app(config=None)`."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask
from sqlalchemy.orm import sessionmaker

from geo.db import get_engine, resolve_url


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_mapping(JSON_AS_ASCII=False, SNAP_DISTANCE_M=100.0)
    if config:
        app.config.update(config)
    url = app.config.get("DATABASE_URL") or os.environ.get("GRIDMAP_RESOLVED_URL") or resolve_url()
    app.config["DATABASE_URL"] = url
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    engine = get_engine(url)
    app.extensions["gridmap.engine"] = engine
    # Tests replace this factory to bind request sessions to a rolled-back connection.
    app.extensions["gridmap.sessionmaker"] = sessionmaker(engine, expire_on_commit=False)

    from webmap import db, errors, health

    db.init_app(app)
    errors.init_app(app)
    app.register_blueprint(health.bp)
    return app
