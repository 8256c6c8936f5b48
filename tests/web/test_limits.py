"""Rate limits: past its limit a caller gets 429 with Retry-After, as JSON; another caller (an
API key) is not held back by it; static assets are not counted."""

from __future__ import annotations

from geo.settings import load_settings
from tests.conftest import make_app


def test_a_caller_past_its_limit_gets_429_and_others_do_not(db_url: str, connection) -> None:  # type: ignore[no-untyped-def]
    settings = load_settings({"GRIDMAP_RATE_LIMIT": "5 per minute"})
    client = make_app(db_url, connection, settings).test_client()
    codes = [client.get("/open311/v2/services.json").status_code for _ in range(7)]
    assert codes[:5] == [200] * 5
    assert codes[5:] == [429, 429]
    r = client.get("/open311/v2/services.json")
    assert r.status_code == 429
    assert int(r.headers["Retry-After"]) > 0
    assert "请求过于频繁" in r.get_json()[0]["description"]  # Open311's error list
    keyed = client.get("/api/v1/layers", headers={"X-API-Key": "dispatch-key"})
    assert keyed.status_code == 200  # its own, larger limit
    with client.get("/static/gridmap/gridmap.js") as asset:
        assert asset.status_code == 200  # assets are not counted


def test_gridmap_rate_limit_off_turns_the_limits_off(db_url: str, connection) -> None:  # type: ignore[no-untyped-def]
    settings = load_settings({"GRIDMAP_RATE_LIMIT": "off"})
    client = make_app(db_url, connection, settings).test_client()
    assert {client.get("/open311/v2/services.json").status_code for _ in range(400)} == {200}


def test_made_up_api_keys_count_against_the_address(db_url: str, connection) -> None:  # type: ignore[no-untyped-def]
    """A key buys its own (larger) bucket only when it is valid: random keys, one a request,
    are counted against the address, and past its limit they get 429 like anyone."""
    settings = load_settings({"GRIDMAP_RATE_LIMIT": "5 per minute"})
    client = make_app(db_url, connection, settings).test_client()
    codes = [
        client.get("/open311/v2/services.json", headers={"X-API-Key": f"made-up-{i}"}).status_code
        for i in range(12)
    ]
    assert codes.count(429) == 7
    form = {"service_code": "noise", "lat": "30.3", "long": "120.15", "api_key": "made-up-x"}
    assert client.post("/open311/v2/requests.json", data=form).status_code in (403, 429)
    keyed = client.get("/api/v1/layers", headers={"X-API-Key": "dispatch-key"})
    assert keyed.status_code == 200  # a valid key keeps its own bucket
