"""Open311 GeoReport v2, as a client written from the public spec would use it."""

from xml.etree import ElementTree as ET

from sqlalchemy import text

from tests.fixtures import GRID_A, m_point


def post(client, fmt: str = "json", **form: str):  # type: ignore[no-untyped-def]
    data = {
        "api_key": "dispatch-key",
        "service_code": "noise",
        "description": "广场舞音响太吵",
        **form,
    }
    return client.post(f"/open311/v2/requests.{fmt}", data=data)


def test_services_list_the_categories_in_json_and_xml(client) -> None:  # type: ignore[no-untyped-def]
    js = client.get("/open311/v2/services.json").get_json()
    codes = {s["service_code"] for s in js}
    assert {"parking", "dispute", "cooking_fumes", "city_appearance"} <= codes
    assert all(s["type"] == "realtime" and s["metadata"] is False for s in js)
    xml = ET.fromstring(client.get("/open311/v2/services.xml").data)
    assert xml.tag == "services"
    assert {e.findtext("service_code") for e in xml} == codes
    assert client.get("/open311/v2/services/parking.json").get_json()["service_code"] == "parking"


def test_file_a_request_and_read_it_back(client) -> None:  # type: ignore[no-untyped-def]
    lon, lat = m_point(100, 100)
    r = post(
        client, lat=str(lat), long=str(lon), first_name="三丰", last_name="张", phone="13812341234"
    )
    assert r.status_code == 201
    rid = r.get_json()[0]["service_request_id"]
    got = client.get(f"/open311/v2/requests/{rid}.json").get_json()
    assert len(got) == 1
    assert got[0]["service_request_id"] == rid
    assert got[0]["status"] == "open"
    assert got[0]["service_code"] == "noise"
    assert abs(got[0]["lat"] - lat) < 1e-6
    assert got[0]["agency_responsible"] == "测试社区第1网格"
    assert "13812341234" not in str(got)
    assert "张三丰" not in str(got)
    xml = ET.fromstring(client.get(f"/open311/v2/requests/{rid}.xml").data)
    assert xml.find("request/service_request_id").text == rid  # type: ignore[union-attr]


def case_id(session, token: str) -> int:  # type: ignore[no-untyped-def]
    """The case behind an Open311 id (a public token, not the case id)."""
    q = text("SELECT id FROM cases WHERE public_token = :t")
    return int(session.execute(q, {"t": token}).scalar_one())


def test_address_string_alone_finds_the_named_place(client, session) -> None:  # type: ignore[no-untyped-def]
    r = post(client, address_string="测试新村3幢")
    rid = r.get_json()[0]["service_request_id"]
    case = client.get(f"/api/v1/cases/{case_id(session, rid)}").get_json()
    assert case["assignment"]["grid"]["code"] == GRID_A
    assert case["assignment"]["zone"]["name"] == "测试新村"


def test_errors_are_code_description_lists_with_spec_statuses(client, anonymous) -> None:  # type: ignore[no-untyped-def]
    lon, lat = m_point(100, 100)
    public = anonymous.post(  # the public form: anyone may report
        "/open311/v2/requests.json", data={"service_code": "noise", "lat": lat, "long": lon}
    )
    assert public.status_code == 201
    wrong_key = anonymous.post(
        "/open311/v2/requests.json",
        data={"service_code": "noise", "lat": lat, "long": lon, "api_key": "wrong"},
    )
    assert wrong_key.status_code == 403
    assert wrong_key.get_json()[0]["code"] == 403
    bad_code = post(client, service_code="ufo", lat=str(lat), long=str(lon))
    assert bad_code.status_code == 400
    assert "ufo" in bad_code.get_json()[0]["description"]
    nowhere = post(client)
    assert nowhere.status_code == 400
    assert "lat 和 long" in nowhere.get_json()[0]["description"]
    far = post(client, lat="30.29", long="121.5")
    assert far.status_code == 400
    assert "超出辖区" in far.get_json()[0]["description"]
    missing = client.get("/open311/v2/requests/999999.json")
    assert missing.status_code == 404
    assert missing.get_json()[0]["code"] == 404
    xml_err = ET.fromstring(client.get("/open311/v2/requests/999999.xml").data)
    assert xml_err.tag == "errors"
    assert xml_err.findtext("error/code") == "404"


def test_request_list_filters_by_status_code_and_date(client, session) -> None:  # type: ignore[no-untyped-def]
    lon, lat = m_point(300, 100)
    a = post(client, lat=str(lat), long=str(lon)).get_json()[0]["service_request_id"]
    b = post(client, service_code="parking", lat=str(lat), long=str(lon)).get_json()[0][
        "service_request_id"
    ]
    for to in ("accepted", "resolved", "closed"):
        moved = client.post(
            f"/api/v1/cases/{case_id(session, b)}/transitions",
            json={"to": to},  # closing is a verification: someone other than the resolver
            headers={"X-API-Key": "inspector-key" if to == "closed" else "dispatch-key"},
        )
        assert moved.status_code == 200, moved.get_json()

    def ids(q):
        return {
            r["service_request_id"] for r in client.get(f"/open311/v2/requests.json?{q}").get_json()
        }  # noqa: E731

    assert a in ids("status=open")
    assert b not in ids("status=open")
    assert b in ids("status=closed")
    assert ids("service_code=parking") == {b}
    assert ids(f"service_request_id={a},{b}") == {a, b}
    assert ids("end_date=2000-01-01T00:00:00Z") == set()
    assert client.get("/open311/v2/requests.json?status=maybe").status_code == 400


def test_the_public_list_shows_a_fixed_note_per_status_never_a_staff_note(
    client, anonymous, session
) -> None:  # type: ignore[no-untyped-def]
    """A staff note ("已联系张三 138…") stays internal: Open311's status_notes is the status's
    public text, for the anonymous list and the keyed one alike."""
    lon, lat = m_point(150, 150)
    rid = post(client, lat=str(lat), long=str(lon)).get_json()[0]["service_request_id"]
    moved = client.post(
        f"/api/v1/cases/{case_id(session, rid)}/transitions",
        json={"to": "accepted", "note": "已联系张三 13800001111"},
        headers={"X-API-Key": "dispatch-key"},
    )
    assert moved.status_code == 200, moved.get_json()
    for who in (anonymous, client):
        got = who.get(f"/open311/v2/requests/{rid}.json").get_json()
        assert got[0]["status_notes"] == "正在处置"
        assert "13800001111" not in str(who.get("/open311/v2/requests.json").get_json())
