from sqlalchemy import create_engine, text


def test_healthz_reports_postgis_and_real_counts(client, session) -> None:  # type: ignore[no-untyped-def]
    body = client.get("/healthz").get_json()
    assert body["status"] == "ok"
    assert body["postgis"].startswith("3.")
    assert body["counts"]["streets"] == 1
    assert body["counts"]["grids"] == 2
    assert body["counts"]["compounds"] == 1
    assert body["counts"]["cases"] == 0


def test_healthz_counts_what_is_added(client, session) -> None:  # type: ignore[no-untyped-def]
    held = client.get("/healthz").get_json()["counts"]["facilities"]  # the fixture's 驿站
    session.execute(
        text(
            "INSERT INTO facilities (code, name, kind, geom) VALUES "
            "('F1', '驿站', 'courier_post', 'SRID=4326;POINT(120 30.29)')"
        )
    )
    session.flush()
    assert client.get("/healthz").get_json()["counts"]["facilities"] == held + 1


def test_unknown_path_is_a_json_404(client) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/no-such-page")
    assert r.status_code == 404
    assert r.get_json()["error"] == "Not Found"


def test_healthz_on_the_demo_shows_the_district_scale(demo_url: str) -> None:
    from webmap import create_app

    body = create_app({"DATABASE_URL": demo_url}).test_client().get("/healthz").get_json()
    assert body["counts"]["streets"] == 18
    assert body["counts"]["compounds"] == 690
    engine = create_engine(demo_url)
    with engine.connect() as c:
        assert body["counts"]["cases"] == c.execute(text("SELECT count(*) FROM cases")).scalar()
    engine.dispose()


def test_livez_and_readyz(anonymous, session) -> None:  # type: ignore[no-untyped-def]
    """/livez answers without the database; /readyz says ready on a migrated, fresh database,
    and 503 with the reason when the schema lags the code or a derived table is stale."""
    assert anonymous.get("/livez").get_json() == {"status": "alive"}
    ready = anonymous.get("/readyz")
    assert ready.status_code == 200
    assert ready.get_json()["status"] == "ready"
    session.execute(text("UPDATE derived_tables SET stale = true WHERE name = 'grid_slivers'"))
    session.execute(text("UPDATE alembic_version SET version_num = '0025'"))
    session.flush()
    r = anonymous.get("/readyz")
    assert r.status_code == 503
    assert r.get_json()["status"] == "not ready"
    problems = " ".join(r.get_json()["problems"])
    assert "gridmap migrate" in problems
    assert "grid_slivers" in problems
