"""Every bad input is a 4xx naming the problem, on every way in, and nothing is stored for it:
control characters (NUL), JSON nested too deep, ids past bigint, non-ASCII digits, oversized
fields; and masking that leaves short numbers nothing to read."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import text

from geo.accounts.apikeys import create_key
from geo.cases.workflow import mask_phone
from geo.settings import load_settings
from tests.conftest import keyed, make_app
from tests.fixtures import SETTINGS, m_point

KEY = {"X-API-Key": "dispatch-key"}
BIG = "9223372036854775808"  # one past PostgreSQL's bigint


def cases(session) -> int:  # type: ignore[no-untyped-def]
    return int(session.execute(text("SELECT count(*) FROM cases")).scalar_one())


def case_json(**extra: object) -> dict[str, object]:
    lon, lat = m_point(100, 100)
    return {"lon": lon, "lat": lat, "category": "parking", "description": "占道停车", **extra}


@pytest.mark.parametrize(
    ("field", "body"),
    [
        ("description", case_json(description="a\x00b")),
        ("address", case_json(address="路\x00口")),
        ("category", case_json(category="park\x00ing")),
        ("reporter.name", case_json(reporter={"name": "张\x07三"})),
    ],
)
def test_a_control_character_in_json_is_a_400_naming_the_field(
    client, session, field: str, body: dict[str, object]
) -> None:  # type: ignore[no-untyped-def]
    before = cases(session)
    r = client.post("/api/v1/cases", json=body)
    assert r.status_code == 400
    assert field in r.get_json()["message"]
    assert "控制字符" in r.get_json()["message"]
    assert cases(session) == before


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/search?q=%E6%B5%8B%00",
        "/api/v1/layers/facilities.geojson?kind=canteen%00",
        "/api/v1/layers/cases.geojson?grid=1%00",
        "/api/v1/locate?lon=120.0&lat=30.29&crs=wgs84%00",
    ],
)
def test_a_control_character_in_a_query_string_is_a_400(client, url: str) -> None:  # type: ignore[no-untyped-def]
    r = client.get(url)
    assert r.status_code == 400
    assert "控制字符" in r.get_json()["message"]


def test_a_transition_note_with_nul_is_a_400(client) -> None:  # type: ignore[no-untyped-def]
    cid = client.post("/api/v1/cases", json=case_json()).get_json()["id"]
    r = client.post(
        f"/api/v1/cases/{cid}/transitions", json={"to": "accepted", "note": "\x00"}, headers=KEY
    )
    assert r.status_code == 400
    assert client.get(f"/api/v1/cases/{cid}").get_json()["status"] == "assigned"


def test_open311_paths_and_fields_with_nul_are_its_400(client, session) -> None:  # type: ignore[no-untyped-def]
    lon, lat = m_point(100, 100)
    before = cases(session)
    form = {"api_key": "dispatch-key", "service_code": "noise", "lat": lat, "long": lon}
    r = client.post("/open311/v2/requests.json", data={**form, "description": "吵\x00"})
    assert r.status_code == 400
    assert r.get_json()[0]["code"] == 400
    assert "description" in r.get_json()[0]["description"]
    path = client.get("/open311/v2/requests/1%00.json")
    assert path.status_code == 400
    assert path.get_json()[0]["code"] == 400
    assert cases(session) == before


def test_open311_keeps_the_json_apis_field_limits(client, session) -> None:  # type: ignore[no-untyped-def]
    lon, lat = m_point(100, 100)
    before = cases(session)
    form = {"api_key": "dispatch-key", "service_code": "noise", "lat": lat, "long": lon}
    for extra, field in (
        ({"address_string": "长" * 201}, "address"),
        ({"first_name": "名" * 60}, "reporter.name"),
        ({"phone": "1" * 800}, "reporter.phone"),
    ):
        r = client.post("/open311/v2/requests.json", data={**form, **extra})
        assert r.status_code == 400, field
        assert field in r.get_json()[0]["description"]
    assert cases(session) == before


def test_json_nested_100000_levels_is_a_400_not_a_crash(client) -> None:  # type: ignore[no-untyped-def]
    deep = "[" * 100_000 + "]" * 100_000
    r = client.post("/api/v1/cases", data=deep, content_type="application/json")
    assert r.status_code == 400
    batch = client.post(
        "/api/v1/cases/batch",
        data='{"type": "FeatureCollection", "features": ' + deep + "}",
        headers={**KEY, "Content-Type": "application/geo+json"},
    )
    assert batch.status_code == 400
    assert "GeoJSON" in batch.get_json()["message"]


def test_batch_cells_with_control_characters_are_rejected_rows(client, session) -> None:  # type: ignore[no-untyped-def]
    (ax, ay), (bx, by) = m_point(100, 100), m_point(300, 100)
    body = (
        "lon,lat,category,description,address\n"
        f"{ax},{ay},parking,好的,\n"
        f"{bx},{by},parking,坏\x00的,\n"
        f"{bx},{by},parking,地址太长,{'长' * 201}\n"
    ).encode()
    rep = client.post(
        "/api/v1/cases/batch", data=body, headers={**KEY, "Content-Type": "text/csv"}
    ).get_json()
    assert rep["accepted"] == 1
    reasons = {x["row"]: x["reason"] for x in rep["rejected"]}
    assert "控制字符" in reasons[2]
    assert "address 超过 200" in reasons[3]


def test_a_batch_keys_long_label_does_not_overflow_the_source(client, session) -> None:  # type: ignore[no-untyped-def]
    key = create_key(session, "街道综合信息指挥室数据对接专用密钥", account="street")
    lon, lat = m_point(100, 100)
    body = f"lon,lat,category,description\n{lon},{lat},parking,长标签\n".encode()
    r = client.post(
        "/api/v1/cases/batch", data=body, headers={"X-API-Key": key, "Content-Type": "text/csv"}
    )
    assert r.status_code == 200
    assert r.get_json()["accepted"] == 1


def test_ids_past_bigint_and_non_ascii_digits_name_no_case(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get(f"/open311/v2/requests/{BIG}.json").status_code == 404
    assert client.get("/open311/v2/requests/%C2%B2.json").status_code == 404  # "²"
    listed = client.get(f"/open311/v2/requests.json?service_request_id=1,{BIG}")
    assert listed.status_code == 404  # ids are public tokens: a number names none
    assert client.get(f"/api/v1/cases/{BIG}").status_code in (400, 404)
    big = client.get(f"/api/v1/search?q={BIG}")
    assert big.status_code == 200
    assert big.get_json()["kind"] == "none"
    sup = client.get("/api/v1/search?q=%C2%B2")  # "²".isdigit() is True in Python
    assert sup.status_code == 200


@pytest.mark.parametrize(
    ("phone", "shown"),
    [
        ("13812341234", "138****1234"),
        ("+86 138 1234 1234", "861****1234"),
        ("1234567", "****"),  # a 7-digit number showed in full
        ("87654321", "****"),  # an 8-digit landline showed 7 of its 8 digits
        ("0571-876543", "****"),  # ten digits: still short of a mobile number
    ],
)
def test_masking_shows_at_most_three_and_four_digits_and_nothing_when_short(
    phone: str, shown: str
) -> None:
    assert mask_phone(phone) == shown


@pytest.mark.parametrize(
    "url", ["/api/v1/layers", "/cockpit", "/static/gridmap/gridmap.js", "/nope"]
)
def test_every_response_carries_the_security_headers(client, url: str) -> None:  # type: ignore[no-untyped-def]
    with client.get(url) as r:  # a static file's response holds the file open until closed
        headers = r.headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    csp = dict(d.strip().split(" ", 1) for d in headers["Content-Security-Policy"].split(";"))
    assert csp["default-src"] == csp["script-src"] == "'self'"  # no inline script, no eval
    assert csp["frame-ancestors"] == "'self'"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "Server" not in headers


def test_pages_carry_no_inline_script_and_any_worker_serves_their_scripts(  # type: ignore[no-untyped-def]
    db_url: str, connection, client
) -> None:
    """Folium's script blocks become script URLs; a worker that did not build the page (its
    own app here) builds it again and serves the same script."""
    import re

    client.environ_base["HTTP_X_API_KEY"] = "admin-key"  # every page is the admin's
    other = keyed(make_app(db_url, connection, SETTINGS), "admin-key")
    for page in ("cockpit", "worker", "planner"):
        html = client.get(f"/{page}?grid=330105001001001").get_data(as_text=True)
        # no script in the page: each is a file; the one block is the config's data
        blocks = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html)
        assert blocks == ['<script type="application/json" id="gridmap-config">']
        urls = re.findall(r'<script src="(/pages/[^"]+)"', html)
        assert len(urls) >= 1
        for url in urls:
            mine, theirs = client.get(url), other.get(url)
            assert mine.status_code == theirs.status_code == 200
            assert mine.mimetype == "text/javascript"
            assert mine.get_data() == theirs.get_data()
        assert "330105001001001" in client.get(urls[0]).get_data(as_text=True)  # its grid
    assert client.get("/pages/nope/0-00.js").status_code == 404


def test_a_body_past_its_limit_is_a_413_before_it_is_read(  # type: ignore[no-untyped-def]
    db_url: str, connection, client, session
) -> None:
    """Any body past 1 MiB; a report, which may carry photos, past its own limit
    (GRIDMAP_MAX_UPLOAD_BYTES, 32 MiB by default)."""
    before = cases(session)
    big = case_json(description="长" * 400_000)  # about 1.2 MB of JSON, past the 1 MiB default
    r = client.post("/api/v1/cases/1/transitions", json={"to": "accepted", "note": "长" * 400_000})
    assert r.status_code == 413
    assert r.get_json()["error"] == "Request Entity Too Large"
    small = make_app(db_url, connection, load_settings({"GRIDMAP_MAX_UPLOAD_BYTES": "1000000"}))
    r = keyed(small).post("/api/v1/cases", json=big)
    assert r.status_code == 413
    assert cases(session) == before


def test_a_batch_file_has_its_own_larger_limit(db_url: str, connection, client) -> None:  # type: ignore[no-untyped-def]
    lon, lat = m_point(100, 100)
    rows = "".join(f"{lon},{lat},parking,第{i}行 {'批' * 300}\n" for i in range(1_500))
    body = ("lon,lat,category,description\n" + rows).encode()  # about 1.4 MB
    headers = {**KEY, "Content-Type": "text/csv"}
    assert client.post("/api/v1/cases/batch", data=body, headers=headers).status_code == 200
    small = make_app(db_url, connection, load_settings({"GRIDMAP_MAX_BATCH_BYTES": "100000"}))
    r = keyed(small).post("/api/v1/cases/batch", data=body, headers=headers)
    assert r.status_code == 413


def test_open311_refuses_a_long_address_before_searching_places(client, session) -> None:  # type: ignore[no-untyped-def]
    """With no lat/long the address_string is matched against every place: a long one is a
    400 before any search, whatever else the form holds."""
    from webmap.schemas import ADDRESS_MAX

    form = {"api_key": "dispatch-key", "service_code": "noise"}
    long_one = "测试新村" * (ADDRESS_MAX // 4 + 1)
    r = client.post("/open311/v2/requests.json", data={**form, "address_string": long_one})
    assert r.status_code == 400
    assert "address_string" in r.get_json()[0]["description"]
    ok = client.post("/open311/v2/requests.json", data={**form, "address_string": "测试新村3幢"})
    assert ok.status_code == 201


def test_a_method_not_allowed_says_which_are(client) -> None:  # type: ignore[no-untyped-def]
    """A 405 carries the Allow header (RFC 9110), in the API and under /open311 alike."""
    r = client.delete("/api/v1/locate?lon=120.15&lat=30.3")
    assert r.status_code == 405
    assert "GET" in r.headers["Allow"]
    o = client.put("/open311/v2/services.json")
    assert o.status_code == 405
    assert "GET" in o.headers["Allow"]


def test_a_form_field_the_description_does_not_list_is_a_400_naming_it(client, app) -> None:  # type: ignore[no-untyped-def]
    """Multipart bodies are closed like JSON ones: the description says so (no property
    beyond those listed), and a field it does not list is refused, whatever its value (the
    schemathesis run of 2026-12-05 sent one with a control character in its value and took
    the input rule's 400 for a refusal of valid data)."""
    doc = client.get("/api/v1/openapi.json").get_json()
    forms = [
        media["schema"]
        for item in doc["paths"].values()
        for op in item.values()
        if isinstance(op, dict)
        for media in [op.get("requestBody", {}).get("content", {}).get("multipart/form-data")]
        if media
    ]
    assert len(forms) >= 3  # the batch file, a case's photo, an Open311 report
    for schema in forms:
        if "$ref" in schema:
            schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
        closed = schema.get("additionalProperties")
        # closed, or (Open311's, which takes GeoReport v2's other fields) text of the input rule
        assert closed is False or "pattern" in closed, schema
    csv = io.BytesIO(b"lon,lat,category,description\n")
    r = client.post(
        "/api/v1/cases/batch",
        data={"file": (csv, "a.csv"), "note": "x"},
        headers=KEY,
        content_type="multipart/form-data",
    )
    assert r.status_code == 400
    assert "note" in r.get_json()["message"]
    r = keyed(app, "street-key").post(
        "/api/v1/cases/1/media",
        data={"stage": "report", "file": (io.BytesIO(b"x"), "p.jpg"), "note": "x"},
        content_type="multipart/form-data",
    )
    assert r.status_code == 400
    assert "note" in r.get_json()["message"]
