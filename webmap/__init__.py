"""Flask application factory: `create_app(config=None)`."""

from __future__ import annotations

import os
from typing import Any

from flask_openapi3 import Info, OpenAPI
from sqlalchemy.orm import sessionmaker

from geo.db import get_engine
from geo.settings import Settings, load_settings
from ops.database import resolve_url
from webmap.jsonio import OrjsonProvider


def create_app(config: dict[str, Any] | None = None) -> OpenAPI:
    """The app; config may carry SETTINGS (a geo.settings.Settings, e.g. a test's) and
    DATABASE_URL. Settings are read once, here: no request reads the environment."""
    from webmap import errors

    # No doc UI: its pages load Swagger/Redoc from CDNs, and our users have no internet.
    app = OpenAPI(
        __name__,
        info=Info(
            title="gridmap API",
            version="1.0.0",
            description="网格化治理地图平台: locate, cases, layers, coverage",
        ),
        doc_ui=False,
        validation_error_status=400,
        validation_error_callback=errors.validation_error,
    )
    if config:
        app.config.update(config)
    settings: Settings = app.config.get("SETTINGS") or load_settings()
    app.extensions["gridmap.settings"] = settings
    url = (
        app.config.get("DATABASE_URL")
        or os.environ.get("GRIDMAP_RESOLVED_URL")
        or resolve_url(settings)
    )
    app.config["DATABASE_URL"] = url
    app.json = OrjsonProvider(app)  # UTF-8 text (Chinese unescaped), sorted keys
    budget_ms = int(settings.request_budget_s * 1000)
    engine = get_engine(url, statement_timeout_ms=budget_ms)
    app.extensions["gridmap.engine"] = get_engine(url)  # no budget: rebuilds, batch parts
    # Tests replace these factories to bind request sessions to a rolled-back connection.
    app.extensions["gridmap.sessionmaker"] = sessionmaker(engine, expire_on_commit=False)
    # Reads run in autocommit: no BEGIN/ROLLBACK round trips around a single query.
    reads = get_engine(url, autocommit=True, statement_timeout_ms=budget_ms)
    app.extensions["gridmap.read_connect"] = reads.connect
    app.extensions["gridmap.pools"] = (engine, reads)  # emptied after a dropped connection
    read_url = app.config.get("DATABASE_URL_READ") or settings.database_url_read
    if read_url:  # a streaming replica for the reads that may lag (webmap/db.py)
        replica = get_engine(read_url, autocommit=True, statement_timeout_ms=budget_ms)
        app.extensions["gridmap.replica_connect"] = replica.connect
        app.extensions["gridmap.pools"] = (engine, reads, replica)
    app.extensions["gridmap.read_sessionmaker"] = sessionmaker(expire_on_commit=False)

    from webmap import (
        bundles,
        compress,
        db,
        headers,
        health,
        inputs,
        limits,
        observe,
        offline,
        ogc,
        oidc,
        open311,
        openapi,
        openapi_paths,
        pages,
        tiles,
    )
    from webmap.api import (
        accounts,
        batch,
        business,
        cases,
        coverage,
        desk,
        layers,
        locate,
        meetings,
        open_blocks,
        patrols,
        renewal,
        residential,
        riders,
        stats,
    )

    db.init_app(app)
    observe.init_app(app)
    errors.init_app(app)
    inputs.init_app(app)
    headers.init_app(app, settings)
    oidc.init_app(app, settings)
    limits.init_app(app, settings)
    compress.init_app(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(bundles.bp)  # /static/bundle/…, before the static files' route
    app.register_api(accounts.api)
    app.register_api(residential.api)
    app.register_api(meetings.api)
    app.register_api(renewal.api)
    app.register_api(business.api)
    app.register_api(business.needs_api)
    app.register_api(open_blocks.api)
    app.register_api(locate.api)
    app.register_api(batch.api)  # before cases: /cases/batch is not /cases/<id>
    app.register_api(cases.api)
    app.register_api(desk.api)
    app.register_api(layers.api)
    app.register_api(stats.api)
    app.register_api(coverage.api)
    app.register_api(patrols.api)
    app.register_api(riders.api)
    app.register_blueprint(pages.bp)
    app.register_blueprint(offline.bp)
    app.register_blueprint(open311.bp)
    app.register_blueprint(ogc.bp)
    app.register_blueprint(tiles.bp)

    @app.get("/api/v1/openapi.json", doc_ui=False)
    def openapi_json():  # type: ignore[no-untyped-def]
        return openapi.current(app, db.get_read_session(), openapi_paths.WRITTEN)

    db.retry_reads(app)
    return app


def served_app() -> OpenAPI:
    """The app as a serving process loads it (`gridmap serve`, gunicorn's app spec
    ops.serving.APP): its first answers made ready before it takes a request (webmap/warm.py)."""
    from webmap.warm import warm

    app = create_app()
    warm(app)
    return app
