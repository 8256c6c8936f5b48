"""Who may see and do what (geo/access.py), every role against every endpoint, page, layer:
allowed, masked or refused, inside and outside its areas; sign-in, CSRF, throttling, scoped
idempotency keys and the audit log."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from layers.registry import LAYERS
from tests.conftest import keyed
from tests.fixtures import ACCOUNTS, GRID_A, m_point, password

ROLES = [username for username, *_ in ACCOUNTS]
PHONE = "13812341234"


@pytest.fixture
def case_a(client) -> int:  # type: ignore[no-untyped-def]
    """A case in grid A (worker A's, inside the compound), with a reporter."""
    lon, lat = m_point(100, 100)
    body = {
        "lon": lon,
        "lat": lat,
        "category": "parking",
        "description": "楼下乱停车",
        "reporter": {"name": "张三丰", "phone": PHONE},
    }
    return int(client.post("/api/v1/cases", json=body).get_json()["id"])


# What each role gets from each read: 200 (allowed), 403 (refused); for a case, "full" or
# "masked" reporter. worker_b and outsider are outside grid A.
CASE_READ = {
    "admin": "full",
    "command": "masked",
    "street": "full",
    "community": "full",
    "worker_a": "full",
    "worker_b": 403,
    "compound": "masked",
    "building": 403,
    "planner": 403,
    "outsider": 403,
    "department": 403,  # files visit requests to firms; reads no case
    "squad": 403,  # a department's unit: reads the cases dispatched to it, not this one
    "inspector": "masked",  # verifies others' work in its area; no personal data
    "rider": 403,  # a courier reports what they see and reads no case
}
ENDPOINTS = {  # path -> roles allowed (the others: 403)
    "/api/v1/locate?lon={lon}&lat={lat}": set(ROLES),
    "/api/v1/search?q=测试": set(ROLES),
    "/api/v1/layers": set(ROLES),
    "/api/v1/layers/grids.geojson": set(ROLES),
    "/api/v1/layers/cases.geojson": set(ROLES) - {"planner", "department", "squad", "rider"},
    "/api/v1/stats/cockpit": {"admin", "command", "street", "community", "outsider"},
    "/api/v1/coverage?kind=canteen&threshold_m=500": {
        "admin",
        "command",
        "street",
        "community",
        "planner",
        "outsider",
    },
    "/api/v1/audit": {"admin"},
}
COVERAGE = {"admin", "command", "street", "community", "planner", "outsider"}
ENDPOINTS.update(
    {  # every registry layer, and the exports
        f"/api/v1/layers/{key}.geojson": set(ROLES)
        - ({"planner", "department", "squad", "rider"} if key == "cases" else set())
        for key in LAYERS
        if key not in ("coverage", "on_duty")
    }
)
# where the grid workers on patrol were last seen: staff and command, and a worker (their own)
# riders (外卖小哥): staff and command read them; a rider only their own (/riders/me)
ENDPOINTS["/api/v1/riders"] = {"admin", "command", "street", "community", "outsider"}
ENDPOINTS["/api/v1/riders/me"] = {"rider"}  # 404 for the fixture's: registered at no 驿站
ENDPOINTS["/api/v1/stats/riders"] = {"admin", "command", "street", "community", "outsider"}
ENDPOINTS["/api/v1/layers/on_duty.geojson"] = {
    "admin",
    "command",
    "street",
    "community",
    "outsider",
    "worker_a",
    "worker_b",
}
ENDPOINTS.update(
    {
        "/api/v1/layers/coverage.geojson?kind=canteen&threshold_m=300": COVERAGE,
        "/api/v1/coverage/areas?kind=canteen&threshold_m=300": COVERAGE,
        "/api/v1/coverage/lifecircle?level=10": COVERAGE,
        "/api/v1/coverage/demand?kind=building_station&threshold_m=500": COVERAGE,
        "/api/v1/coverage?kind=canteen&threshold_m=500&format=csv": COVERAGE,
        "/api/v1/coverage?kind=canteen&threshold_m=500&format=geojson": COVERAGE,
    }
)
WRITES = {  # path -> (body, roles allowed)
    "/api/v1/cases": (
        {"lon": 0, "lat": 0, "category": "parking", "description": "矩阵"},
        set(ROLES) - {"planner", "department", "squad"},
    ),
    "/api/v1/coverage/scenario": ({"kind": "canteen", "threshold_m": 500}, COVERAGE),
    "/api/v1/coverage/suggest": ({"kind": "canteen", "threshold_m": 500, "k": 1}, COVERAGE),
}
PAGES = {
    "/cockpit": {"admin", "command", "street", "community", "outsider"},
    "/worker": {
        "admin",
        "street",
        "community",
        "worker_a",
        "worker_b",
        "compound",
        "building",
        "outsider",
        "rider",  # their report form and points
    },
    "/planner": {"admin", "command", "street", "community", "planner", "outsider"},
}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reads_a_case_in_full_masked_or_not_at_all(app, case_a, role) -> None:  # type: ignore[no-untyped-def]
    r = keyed(app, f"{role}-key").get(f"/api/v1/cases/{case_a}")
    expected = CASE_READ[role]
    if expected == 403:
        assert r.status_code == 403, r.get_json()
        return
    assert r.status_code == 200
    shown = r.get_json()["reporter"]["phone"]
    assert (shown == PHONE) == (expected == "full"), shown


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", ENDPOINTS)
def test_each_role_on_each_endpoint(app, role, path) -> None:  # type: ignore[no-untyped-def]
    lon, lat = m_point(100, 100)
    r = keyed(app, f"{role}-key").get(path.format(lon=lon, lat=lat))
    if role in ENDPOINTS[path]:
        assert r.status_code in (200, 503), (r.status_code, r.get_json())  # 503: no walks
    else:
        assert r.status_code == 403, r.get_json()
    assert keyed(app, "").get(path.format(lon=lon, lat=lat)).status_code == 401


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", WRITES)
def test_each_role_on_each_write(app, role, path) -> None:  # type: ignore[no-untyped-def]
    body, allowed = WRITES[path]
    if "lon" in body:
        body = {**body, **dict(zip(("lon", "lat"), m_point(100, 100), strict=True))}
    r = keyed(app, f"{role}-key").post(path, json=body)
    if role in allowed:
        assert r.status_code in (200, 201, 503), (r.status_code, r.get_json())
    else:
        assert r.status_code == 403, r.get_json()
    assert app.test_client().post(path, json=body).status_code == 401


@pytest.mark.parametrize("role", ROLES)
def test_batch_import_is_the_staffs(app, role) -> None:  # type: ignore[no-untyped-def]
    lon, lat = m_point(100, 100)
    csv = f"lon,lat,category,description\n{lon},{lat},parking,批量\n".encode()
    r = keyed(app, f"{role}-key").post(
        "/api/v1/cases/batch", data=csv, headers={"Content-Type": "text/csv"}
    )
    assert r.status_code == (200 if role in {"admin", "street", "community", "outsider"} else 403)
    if role == "outsider":  # street staff of another street: the row is not theirs
        report = r.get_json()
        assert report["accepted"] == 0
        assert "不在您的辖区内" in report["rejected"][0]["reason"]
    elif r.status_code == 200:
        assert r.get_json()["accepted"] == 1


@pytest.mark.parametrize("role", ["anonymous", *ROLES])
def test_open311_reads_are_everyones_and_masked(app, role, case_a) -> None:  # type: ignore[no-untyped-def]
    c = app.test_client() if role == "anonymous" else keyed(app, f"{role}-key")
    r = c.get("/open311/v2/requests.json")
    assert r.status_code == 200
    assert PHONE not in r.text
    assert "张三丰" not in r.text


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", PAGES)
def test_each_role_on_each_page(app, role, page) -> None:  # type: ignore[no-untyped-def]
    r = keyed(app, f"{role}-key").get(page)
    assert r.status_code == (200 if role in PAGES[page] else 403)
    anon = app.test_client().get(page)
    assert anon.status_code == 302
    assert anon.headers["Location"].startswith("/login?next=")


def test_the_cases_layer_and_cockpit_hold_only_the_callers_area(app, case_a) -> None:  # type: ignore[no-untyped-def]
    def layer(role: str) -> set[int]:
        fc = keyed(app, f"{role}-key").get("/api/v1/layers/cases.geojson").get_json()
        return {f["properties"]["id"] for f in fc["features"]}

    assert case_a in layer("admin")
    assert case_a in layer("worker_a")
    assert case_a not in layer("worker_b")
    assert case_a not in layer("outsider")
    assert PHONE not in keyed(app, "admin-key").get("/api/v1/layers/cases.geojson").text
    cockpit = {
        role: keyed(app, f"{role}-key").get("/api/v1/stats/cockpit").get_json()["open"]
        for role in ("admin", "street", "outsider")
    }
    assert cockpit["admin"] == cockpit["street"] >= 1
    assert cockpit["outsider"] == 0


@pytest.mark.parametrize(
    ("role", "to", "status"),
    [
        ("worker_a", "accepted", 200),  # its own grid: accept, resolve, return
        ("worker_a", "duplicate", 403),  # dispatch is the staff's
        ("worker_b", "accepted", 403),  # another grid
        ("street", "duplicate", 200),
        ("community", "accepted", 200),
        ("outsider", "accepted", 403),
        ("command", "accepted", 200),  # the command centre moves cases too (issue #29)
        ("squad", "accepted", 403),  # not dispatched to its unit
        ("inspector", "accepted", 403),  # verifies, moves nothing else
        ("planner", "accepted", 403),
        ("compound", "accepted", 403),
    ],
)
def test_who_may_move_a_case(app, case_a, role, to, status) -> None:  # type: ignore[no-untyped-def]
    r = keyed(app, f"{role}-key").post(f"/api/v1/cases/{case_a}/transitions", json={"to": to})
    assert r.status_code == status, r.get_json()


def test_planner_may_not_report_and_anonymous_may_not_use_the_json_api(app) -> None:  # type: ignore[no-untyped-def]
    lon, lat = m_point(100, 100)
    body = {"lon": lon, "lat": lat, "category": "parking", "description": "x"}
    assert keyed(app, "planner-key").post("/api/v1/cases", json=body).status_code == 403
    assert app.test_client().post("/api/v1/cases", json=body).status_code == 401
    assert keyed(app, "grid-key-that-is-wrong").get("/api/v1/layers").status_code == 403


def sign_in(client, username: str, pw: str | None = None):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/session", json={"username": username, "password": pw or password(username)}
    )


def test_sign_in_session_csrf_and_sign_out(app, case_a) -> None:  # type: ignore[no-untyped-def]
    c = app.test_client()
    assert c.get("/api/v1/session").status_code == 401
    r = sign_in(c, "worker_a")
    assert r.status_code == 200
    me = r.get_json()
    assert me["role"] == "grid_worker"
    assert me["areas"] == [{"kind": "grid", "code": GRID_A}]
    cookie = r.headers.getlist("Set-Cookie")
    session_cookie = next(h for h in cookie if h.startswith("gridmap_session="))
    assert "HttpOnly" in session_cookie
    assert "SameSite=Lax" in session_cookie
    assert c.get("/api/v1/session").get_json()["username"] == "worker_a"
    url = f"/api/v1/cases/{case_a}/transitions"
    no_token = c.post(url, json={"to": "accepted"})
    assert no_token.status_code == 403
    assert "CSRF" in no_token.get_json()["message"]
    wrong = c.post(url, json={"to": "accepted"}, headers={"X-CSRF-Token": "forged"})
    assert wrong.status_code == 403
    ok = c.post(url, json={"to": "accepted"}, headers={"X-CSRF-Token": me["csrf_token"]})
    assert ok.status_code == 200
    assert c.get("/worker").status_code == 200  # the page, with "my grid"
    assert GRID_A in c.get("/worker").text
    out = c.delete("/api/v1/session", headers={"X-CSRF-Token": me["csrf_token"]})
    assert out.status_code == 204
    # the phone keeps nothing of the site past sign-out: its copies, its outbox, its worker
    assert out.headers["Clear-Site-Data"] == '"cache", "storage"'
    assert c.get("/api/v1/session").status_code == 401
    assert c.get("/worker").status_code == 302


def test_first_sign_in_must_change_the_password(app) -> None:  # type: ignore[no-untyped-def]
    c = app.test_client()
    me = sign_in(c, "newbie").get_json()
    assert me["must_change_password"] is True
    csrf = {"X-CSRF-Token": me["csrf_token"]}
    assert c.get("/api/v1/layers").status_code == 403  # nothing else until it is changed
    short = c.post(
        "/api/v1/session/password",
        headers=csrf,
        json={"old_password": password("newbie"), "new_password": "short"},
    )
    assert short.status_code == 400
    changed = c.post(
        "/api/v1/session/password",
        headers=csrf,
        json={"old_password": password("newbie"), "new_password": "a-new-secret-1"},
    )
    assert changed.status_code == 200
    assert c.get("/api/v1/layers").status_code == 200


def test_failed_sign_ins_are_throttled_per_account(app, session) -> None:  # type: ignore[no-untyped-def]
    c = app.test_client()
    codes = [sign_in(c, "street", "wrong-password").status_code for _ in range(6)]
    assert codes == [401] * 5 + [429]
    throttled = sign_in(c, "street")  # even the right password, until the window passes
    assert throttled.status_code == 429
    assert int(throttled.headers["Retry-After"]) > 0
    assert sign_in(c, "community").status_code == 200  # another account is not held back
    failures = session.execute(
        text(
            "SELECT count(*) FROM audit_log WHERE action = 'signin' AND NOT ok "
            "AND username = 'street'"
        )
    ).scalar()
    assert failures == 7


def test_idempotency_keys_belong_to_their_caller(app) -> None:  # type: ignore[no-untyped-def]
    """A stranger who sends a key first does not take it from the real client."""
    lon, lat = m_point(100, 100)
    mine = {"lon": lon, "lat": lat, "category": "parking", "description": "我的上报"}
    theirs = {**mine, "description": "抢先的陌生人"}
    key = {"Idempotency-Key": "shared-key-1"}
    first = keyed(app, "command-key").post("/api/v1/cases", json=theirs, headers=key)
    assert first.status_code == 201
    real = keyed(app, "street-key").post("/api/v1/cases", json=mine, headers=key)
    assert real.status_code == 201  # its own case, not a 422 for a "different request"
    again = keyed(app, "street-key").post("/api/v1/cases", json=mine, headers=key)
    assert again.status_code == 200
    assert again.get_json()["id"] == real.get_json()["id"]
    form = {"service_code": "parking", "lat": str(lat), "long": str(lon), "description": "表单"}
    anon = app.test_client()
    a = anon.post("/open311/v2/requests.json", data=form, headers=key)
    b = anon.post("/open311/v2/requests.json", data=form, headers=key)
    assert a.status_code == b.status_code == 201
    assert a.get_json()[0]["service_request_id"] == b.get_json()[0]["service_request_id"]


def test_unmasked_reads_and_transitions_are_audited(app, case_a, session) -> None:  # type: ignore[no-untyped-def]
    keyed(app, "command-key").get(f"/api/v1/cases/{case_a}")  # masked: not a personal read
    keyed(app, "worker_a-key").get(f"/api/v1/cases/{case_a}")
    keyed(app, "worker_a-key").post(
        f"/api/v1/cases/{case_a}/transitions", json={"to": "accepted", "note": "马上到"}
    )
    rows = session.execute(
        text("SELECT username, action, detail FROM audit_log WHERE target = :t ORDER BY id"),
        {"t": f"case:{case_a}"},
    ).all()
    actions = [(r.username, r.action) for r in rows]
    assert ("worker_a", "case.read_personal") in actions
    assert ("worker_a", "case.transition") in actions
    assert ("command", "case.read_personal") not in actions
    moved = next(r for r in rows if r.action == "case.transition")
    assert moved.detail == {"from": "assigned", "to": "accepted", "note": "马上到"}
    log = keyed(app, "admin-key").get("/api/v1/audit?action=case.transition").get_json()
    assert any(e["target"] == f"case:{case_a}" for e in log)
    with pytest.raises(Exception, match="append-only"), session.begin_nested():
        session.execute(text("UPDATE audit_log SET username = 'someone else'"))


def test_open311_ids_are_unguessable_tokens(app, case_a) -> None:  # type: ignore[no-untyped-def]
    anon = app.test_client()
    listed = anon.get("/open311/v2/requests.json").get_json()
    ids = [r["service_request_id"] for r in listed]
    assert ids
    assert all(len(i) == 32 for i in ids)
    assert str(case_a) not in ids
    assert anon.get(f"/open311/v2/requests/{case_a}.json").status_code == 404
    assert PHONE not in anon.get("/open311/v2/requests.json").text


def test_the_identity_service_header_is_trusted_only_from_its_proxy(  # type: ignore[no-untyped-def]
    db_url: str, connection, case_a
) -> None:
    """统一身份认证 in front: its header names the account, from the proxy's address only."""
    from geo.settings import load_settings
    from tests.conftest import make_app

    settings = load_settings(
        {
            "GRIDMAP_RATE_LIMIT": "off",
            "GRIDMAP_AUTH_PROXY_HEADER": "X-Remote-User",
            "GRIDMAP_AUTH_PROXY_FROM": "127.0.0.1",
        }
    )
    c = make_app(db_url, connection, settings).test_client()
    me = c.get("/api/v1/session", headers={"X-Remote-User": "worker_a"})
    assert me.status_code == 200
    assert me.get_json()["role"] == "grid_worker"
    full = c.get(f"/api/v1/cases/{case_a}", headers={"X-Remote-User": "worker_a"})
    assert full.get_json()["reporter"]["phone"] == PHONE
    elsewhere = c.get(
        "/api/v1/session",
        headers={"X-Remote-User": "admin"},
        environ_base={"REMOTE_ADDR": "10.1.2.3"},
    )
    assert elsewhere.status_code == 401  # not from the proxy: the header is ignored
    unknown = c.get("/api/v1/session", headers={"X-Remote-User": "nobody"})
    assert unknown.status_code == 403
    # a foreign page cannot write as the proxy's user; this site's pages can
    user = {"X-Remote-User": "worker_a"}
    body = {"to": "accepted"}
    url = f"/api/v1/cases/{case_a}/transitions"
    foreign = c.post(url, json=body, headers={**user, "Origin": "http://evil.example"})
    assert foreign.status_code == 403
    assert "跨站" in foreign.get_json()["message"]
    cross = c.post(url, json=body, headers={**user, "Sec-Fetch-Site": "cross-site"})
    assert cross.status_code == 403
    own = c.post(url, json=body, headers={**user, "Origin": "http://localhost"})
    assert own.status_code == 200, own.get_json()


def test_a_revoked_key_stays_revoked_when_created_again(session) -> None:  # type: ignore[no-untyped-def]
    """Revoking is for good: creating the same key again (the demo's start, a script) is a
    conflict, and the key still opens nothing."""
    from geo.accounts.apikeys import create_key, key_account, revoke_key
    from geo.errors import Conflict

    create_key(session, "科室对接", key="to-be-revoked-key", account="street")
    assert key_account(session, "to-be-revoked-key") is not None
    assert revoke_key(session, "to-be-revoked-key")
    with pytest.raises(Conflict, match="已吊销"):
        create_key(session, "科室对接", key="to-be-revoked-key", account="street")
    assert key_account(session, "to-be-revoked-key") is None


def test_a_password_change_ends_the_accounts_other_sign_ins(app) -> None:  # type: ignore[no-untyped-def]
    """Signed in on two browsers, the account changes its password on one: the other's session
    ends (a stolen cookie does not outlive the change), the one that changed it goes on."""
    here, there = app.test_client(), app.test_client()
    csrf = {"X-CSRF-Token": sign_in(here, "community").get_json()["csrf_token"]}
    assert sign_in(there, "community").status_code == 200
    assert there.get("/api/v1/session").status_code == 200
    changed = here.post(
        "/api/v1/session/password",
        headers=csrf,
        json={"old_password": password("community"), "new_password": "a-new-secret-2"},
    )
    assert changed.status_code == 200, changed.get_json()
    assert here.get("/api/v1/session").status_code == 200
    assert there.get("/api/v1/session").status_code == 401


def test_a_guesser_elsewhere_cannot_lock_the_real_user_out(app, session) -> None:  # type: ignore[no-untyped-def]
    """Wrong passwords from one address throttle that address for the account; the real user
    at another address still signs in, and refused attempts (which check nothing) are not
    counted as failures, so hammering on does not extend anyone's lock."""
    c = app.test_client()
    guesser = {"REMOTE_ADDR": "10.9.9.9"}

    def attempt(pw: str, where: dict[str, str]):  # type: ignore[no-untyped-def]
        body = {"username": "street", "password": pw}
        return c.post("/api/v1/session", json=body, environ_base=where)

    codes = [attempt("wrong-password", guesser).status_code for _ in range(12)]
    assert codes == [401] * 5 + [429] * 7
    assert attempt(password("street"), {"REMOTE_ADDR": "10.1.1.1"}).status_code == 200
    counted = session.execute(
        text(
            "SELECT count(*) FROM audit_log WHERE action = 'signin' AND NOT ok "
            "AND username = 'street' AND detail->>'throttled' IS NULL"
        )
    ).scalar()
    assert counted == 5


def test_an_account_with_no_password_is_never_held_at_the_password_change(app, session) -> None:  # type: ignore[no-untyped-def]
    """An account the identity service signs in (made with no password) has no password to
    change: its session is not refused for want of a change it cannot make."""
    from geo.accounts.accounts import add_account, load_account, open_session
    from tests.fixtures import COMMUNITY

    made = add_account(session, "sso_only", "community", [COMMUNITY], None)
    account = load_account(session, made)
    assert account is not None
    assert account.must_change_password is False
    token, _ = open_session(session, account, "127.0.0.1", 1)
    session.flush()
    c = app.test_client()
    c.set_cookie("gridmap_session", token)
    assert c.get("/api/v1/layers").status_code == 200


def test_behind_a_trusted_proxy_sign_ins_are_counted_by_the_client_address(
    db_url, connection, session
) -> None:  # type: ignore[no-untyped-def]
    """Behind the district's proxy every connection comes from its address: a guesser's five
    failures there held every user of the account. With the proxy trusted
    (GRIDMAP_TRUSTED_PROXIES), each is counted by the address the proxy saw (the right-most
    of X-Forwarded-For not a proxy), so the guesser is held and the real user is not; what a
    client writes into the header itself is left of the proxy's entry and changes nothing."""
    from dataclasses import replace

    from tests import fixtures
    from tests.conftest import make_app

    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    settings = replace(fixtures.SETTINGS, trusted_proxies=("10.0.0.1",))
    c = make_app(db_url, connection, settings).test_client()

    def attempt(pw: str, forwarded: str):  # type: ignore[no-untyped-def]
        body = {"username": "street", "password": pw}
        xff = {"X-Forwarded-For": forwarded}
        return c.post("/api/v1/session", json=body, environ_base=proxy, headers=xff)

    # the guesser rotates a made-up first entry; the proxy appends the address it saw
    codes = [attempt("wrong", f"192.0.2.{i}, 172.16.5.5").status_code for i in range(7)]
    assert codes == [401] * 5 + [429] * 2
    assert attempt(password("street"), "172.16.9.9").status_code == 200
    held = (
        session.execute(
            text(
                "SELECT DISTINCT address FROM audit_log WHERE action = 'signin' "
                "AND username = 'street' AND NOT ok"
            )
        )
        .scalars()
        .all()
    )
    assert held == ["172.16.5.5"]
    # not through a trusted proxy, the header is not believed: rotating it buys nothing
    direct = make_app(db_url, connection, fixtures.SETTINGS).test_client()
    codes = [
        direct.post(
            "/api/v1/session",
            json={"username": "community", "password": "wrong"},
            environ_base={"REMOTE_ADDR": "10.7.7.7"},
            headers={"X-Forwarded-For": f"172.16.1.{i}"},
        ).status_code
        for i in range(6)
    ]
    assert codes == [401] * 5 + [429]


def basic(username: str, secret: str) -> dict[str, str]:
    import base64

    return {"Authorization": "Basic " + base64.b64encode(f"{username}:{secret}".encode()).decode()}


def test_http_basic_on_the_machine_interfaces_with_a_key_or_a_password(
    app, session, caplog
) -> None:  # type: ignore[no-untyped-def]
    """A GIS desktop that cannot send X-API-Key sends HTTP Basic: an API key as the password
    (any username) or an account's own; wrong ones are a 401 naming Basic and throttled as
    sign-ins are; an account that must change its password is held; pages ignore Basic;
    a write from another site's page is refused; neither secret reaches a log line."""
    import logging

    caplog.set_level(logging.DEBUG)
    c = app.test_client()
    assert c.get("/api/v1/layers").status_code == 401
    assert c.get("/api/v1/layers", headers=basic("qgis", "command-key")).status_code == 200
    assert c.get("/ogc/collections", headers=basic("qgis", "command-key")).status_code == 200
    assert (
        c.get("/api/v1/session", headers=basic("street", password("street"))).get_json()["username"]
        == "street"
    )
    wrong = c.get("/api/v1/layers", headers=basic("street", "not-it"))
    assert wrong.status_code == 401
    assert wrong.headers["WWW-Authenticate"].startswith("Basic ")
    codes = [
        c.get("/api/v1/layers", headers=basic("street", "not-it")).status_code for _ in range(5)
    ]
    assert codes == [401] * 4 + [429]
    assert c.get("/api/v1/layers", headers=basic("newbie", password("newbie"))).status_code == 403
    page = c.get("/cockpit", headers=basic("qgis", "command-key"))
    assert page.status_code in (302, 401), page.status_code  # pages: their own sign-in
    lon, lat = m_point(100, 100)
    report = {"lon": lon, "lat": lat, "category": "parking", "description": "跨站"}
    cross = {**basic("qgis", "command-key"), "Sec-Fetch-Site": "cross-site"}
    assert c.post("/api/v1/cases", json=report, headers=cross).status_code == 403
    logged = "\n".join(r.getMessage() + str(r.__dict__) for r in caplog.records)
    assert "command-key" not in logged
    assert password("street") not in logged
    assert "not-it" not in logged


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/stats/residential",
        "/api/v1/stats/meetings",
        "/api/v1/stats/blocks",
        "/api/v1/stats/business",
    ],
)
def test_area_statistics_follow_the_callers_areas(app, path: str) -> None:  # type: ignore[no-untyped-def]
    """The district's figures (the published ones) for every role with statistics; a street's
    for callers inside it or holding it; another street's for no one but district roles."""
    from tests.fixtures import COMMUNITY, STREET

    def status(user: str, area: str | None) -> int:
        query = f"?street={area}" if area else ""
        return keyed(app, f"{user}-key").get(path + query).status_code

    assert status("outsider", STREET) == 403  # another street's staff: 200 before
    assert status("outsider", None) == 200
    assert status("outsider", "330105002") == 200
    assert status("community", STREET) == 200  # the street its community lies in
    assert status("street", STREET) == 200
    assert status("command", STREET) == 200
    assert status("command", "330105002") == 200
    assert status("community", "330105002") == 403
    assert COMMUNITY.startswith(STREET)


def test_the_front_door_shows_each_role_its_pages_inbox_and_queues(app) -> None:  # type: ignore[no-untyped-def]
    """/ after sign-in: the pages the role may open (and no other), the unread notices, the
    desk's queues for those who read cases; before, the sign-in page."""
    anonymous = app.test_client().get("/")
    assert anonymous.status_code == 302
    assert anonymous.headers["Location"].startswith("/login")
    street = keyed(app, "street-key").get("/").get_data(as_text=True)
    for href in ('href="/cockpit"', 'href="/worker"', 'href="/planner"', "queue=to_verify"):
        assert href in street
    planner = keyed(app, "planner-key").get("/").get_data(as_text=True)
    assert 'href="/planner"' in planner
    assert 'href="/cockpit"' not in planner
    assert "queue=" not in planner  # reads no cases
    assert "<script" not in street  # nothing inline (the Content-Security-Policy)
    squad = keyed(app, "squad-key")
    lon, lat = m_point(100, 100)
    case = (
        keyed(app, "street-key")
        .post(
            "/api/v1/cases",
            json={"lon": lon, "lat": lat, "category": "outdoor_display", "description": "外摆"},
        )
        .get_json()
    )
    keyed(app, "street-key").post(
        f"/api/v1/cases/{case['id']}/dispatch", json={"unit": "U330105001CG"}
    )
    assert "<b id=gm-unread>1</b>" in squad.get("/").get_data(as_text=True)


def test_the_session_cookie_is_secure_over_https_and_through_a_trusted_tls_proxy(
    db_url, connection
) -> None:  # type: ignore[no-untyped-def]
    """A proxy that ends TLS for us says so in X-Forwarded-Proto: from a trusted proxy the
    cookie is Secure; the same header from anyone else is not believed."""
    from dataclasses import replace

    from tests import fixtures
    from tests.conftest import make_app

    def cookie(settings, environ, headers, base="http://localhost"):  # type: ignore[no-untyped-def]
        c = make_app(db_url, connection, settings).test_client()
        r = c.post(
            "/api/v1/session",
            json={"username": "worker_a", "password": password("worker_a")},
            environ_base=environ,
            headers=headers,
            base_url=base,
        )
        assert r.status_code == 200
        return next(h for h in r.headers.getlist("Set-Cookie") if h.startswith("gridmap_session="))

    proxied = replace(fixtures.SETTINGS, trusted_proxies=("10.0.0.1",))
    https = {"X-Forwarded-Proto": "https"}
    assert "Secure" in cookie(proxied, {"REMOTE_ADDR": "10.0.0.1"}, https)
    assert "Secure" not in cookie(proxied, {"REMOTE_ADDR": "10.9.9.9"}, https)
    assert "Secure" not in cookie(proxied, {"REMOTE_ADDR": "10.0.0.1"}, {})
    assert "Secure" in cookie(fixtures.SETTINGS, {}, {}, "https://localhost")
