"""The demo's handling units (处置单位), as a district has them: each street's office and its
综合行政执法中队, 市场监管所 and 派出所; the district's utilities; each community's office, each
grid (its worker), each managed compound's property company, each open block's partner units.
Codes follow geo/cases/words.py UNIT_MARKS (U + the area's code + a mark)."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.cases.words import PARTNER_MARKS, UNIT_MARKS

DISTRICT = "330105"


def build_units(session: Session) -> int:
    """Insert the demo's units (a rebuild keeps those that exist); how many there are."""
    rows: list[dict[str, str]] = []

    def add(area: str, mark: str, name: str) -> None:
        kind = UNIT_MARKS[mark][0]
        rows.append({"code": f"U{area}{mark}", "name": name, "kind": kind, "area": area})

    for mark in ("SW", "DL", "RQ", "SF"):
        add(DISTRICT, mark, f"拱墅区{UNIT_MARKS[mark][1]}")
    for code, name in session.execute(text("SELECT code, name FROM streets ORDER BY code")):
        add(code, "JD", f"{name}办事处")
        add(code, "SF", f"{name}三方办")
        for mark in ("CG", "SJ", "PCS"):
            add(code, mark, f"{name.removesuffix('街道')}{UNIT_MARKS[mark][1]}")
    for code, name in session.execute(text("SELECT code, name FROM communities ORDER BY code")):
        add(code, "SQ", f"{name}居委会")
        add(code, "SF", f"{name}三方办")  # its 社区公共服务站站长 is its director (the seed)
    for code, name in session.execute(text("SELECT code, name FROM grids ORDER BY code")):
        add(code, "WG", name)
    managed = "SELECT code, property_company FROM compounds WHERE property_company IS NOT NULL"
    for code, company in session.execute(text(managed + " ORDER BY code")):
        add(code, "WY", company)
    for block, kind, name in session.execute(
        text("SELECT open_block_code, kind, name FROM partner_units ORDER BY code")
    ):
        mark = PARTNER_MARKS.get(kind)
        if mark:
            rows.append({"code": f"U{block}{mark}", "name": name, "kind": "partner", "area": block})
    if rows:
        session.execute(
            text(
                "INSERT INTO units (code, name, kind, area_code) "
                "VALUES (:code, :name, :kind, :area) ON CONFLICT (code) DO NOTHING"
            ),
            rows,
        )
    # the staff of a street or community are its 三方办's (its 社区公共服务站站长 its director,
    # the seed): what is dispatched to the office reaches their inboxes
    session.execute(
        text(
            "INSERT INTO account_areas (account_id, kind, code) "
            "SELECT a.id, 'unit', u.code FROM accounts a "
            "JOIN account_areas r ON r.account_id = a.id AND r.kind IN ('street', 'community') "
            "JOIN units u ON u.kind = 'three_party_office' AND u.area_code = r.code "
            "WHERE a.role IN ('street', 'community') ON CONFLICT DO NOTHING"
        )
    )
    return int(session.execute(text("SELECT count(*) FROM units")).scalar_one())


def route_demo_cases(session: Session) -> dict[str, int]:
    """The demo's year of cases through the workflow as a district's would go: each case
    dispatched is with its category's unit for its place (categories.default_unit),
    else its grid's; of those closed, one in 25 needed rework once; one open case in 12 is
    supervised (督办) with three days to go, one in 200 parked (挂账). Deterministic (by id)."""
    session.execute(  # the warning time: 80 % of each case's limit (calendar hours here)
        text(
            "UPDATE cases SET warn_at = created_at + (due_at - created_at) * 0.8 "
            "WHERE warn_at IS NULL AND due_at IS NOT NULL"
        )
    )
    routed = session.execute(
        text(
            "UPDATE cases c SET unit_code = COALESCE(("
            "  SELECT u.code FROM categories k, LATERAL (VALUES"
            "    ('U' || c.zone_code || k.default_unit, 1),"
            "    ('U' || c.street_code || k.default_unit, 2),"
            "    ('U' || left(c.street_code, 6) || k.default_unit, 3)) s(code, rank)"
            "  JOIN units u ON u.code = s.code WHERE k.code = c.category_code"
            "  ORDER BY s.rank LIMIT 1),"
            " (SELECT u.code FROM units u WHERE u.code = 'U' || c.grid_code || 'WG'))"
            "WHERE c.status <> 'reported' AND c.unit_code IS NULL"
        )
    ).rowcount
    rework = session.execute(
        text("UPDATE cases SET rework_count = 1 WHERE status = 'closed' AND id % 25 = 0")
    ).rowcount
    supervised = session.execute(
        text(
            "UPDATE cases SET supervision_level = 1 + (id / 12) % 3, "
            "supervision_due = now() + interval '3 days' "
            "WHERE case_is_open(status) AND id % 12 = 7"
        )
    ).rowcount
    parked = session.execute(
        text(
            "UPDATE cases SET status = 'parked', parked_reason = '需纳入改造计划，待资金落实', "
            "parked_review_on = current_date + 90, paused_at = updated_at "
            "WHERE status IN ('assigned', 'accepted') AND unit_code IS NOT NULL AND id % 40 = 13"
        )
    ).rowcount
    waiting = session.execute(  # 延期 asked and not yet answered: the clock stands
        text(
            "UPDATE cases SET extension_hours = 24, paused_at = now() - interval '3 hours' "
            "WHERE status = 'accepted' AND unit_code IS NOT NULL AND id % 30 = 11"
        )
    ).rowcount
    for sql in _TRAIL:
        session.execute(text(sql))
    for sql in _DISPATCH_TIMES:
        session.execute(text(sql))
    photos = _demo_photos(session)
    return {
        "cases_routed": routed,
        "cases_reworked": rework,
        "cases_supervised": supervised,
        "cases_parked": parked,
        "extensions_waiting": waiting,
        "extensions_granted": int(
            session.execute(
                text("SELECT count(*) FROM case_events WHERE kind = 'extension_decision'")
            ).scalar_one()
        ),
        "photos": photos,
    }


# The trail of what the flags above say: a case with a unit other than its grid's was
# dispatched to it by the command centre; a reworked case failed its first verification and
# was resolved again; a parked case went to 挂账; an extension asked is on its trail, and one
# closed case in 50 had one granted. (Closing is the inspector's verification: city.py.)
_TRAIL = (
    """
    INSERT INTO case_events (case_id, case_created_at, at, actor, kind, from_status, to_status,
                             note, data)
    SELECT id, created_at,
           created_at + CASE WHEN id % 19 = 0 THEN interval '38 minutes' ELSE interval '10 minutes'
                        END,
           'command', 'dispatch', 'assigned', 'assigned', '按类别派至处置单位',
           jsonb_build_object('unit', unit_code)
    FROM cases WHERE unit_code IS NOT NULL AND unit_code NOT LIKE '%WG'
    """,
    """
    INSERT INTO case_events (case_id, case_created_at, at, actor, kind, from_status, to_status,
                             note, data)
    SELECT id, created_at, closed_at - interval '20 minutes', 'inspector', 'verify', 'resolved',
           'accepted', '核查未通过：现场未清理干净，返工', '{"passed": false}'::jsonb
    FROM cases WHERE status = 'closed' AND rework_count > 0
    UNION ALL
    SELECT id, created_at, closed_at - interval '10 minutes', unit_code, 'transition', 'accepted',
           'resolved', '返工后已处置', NULL
    FROM cases WHERE status = 'closed' AND rework_count > 0
    """,
    """
    INSERT INTO case_events (case_id, case_created_at, at, actor, kind, from_status, to_status,
                             note, data)
    SELECT id, created_at, paused_at, 'street', 'transition', 'accepted', 'parked',
           parked_reason, NULL
    FROM cases WHERE status = 'parked'
    """,
    """
    INSERT INTO case_events (case_id, case_created_at, at, actor, kind, from_status, to_status,
                             note, data)
    SELECT id, created_at, paused_at, unit_code, 'extension', status, status, '配件待到货',
           jsonb_build_object('hours', extension_hours)
    FROM cases WHERE extension_hours IS NOT NULL
    UNION ALL
    SELECT id, created_at, created_at + interval '1 hour', unit_code, 'extension', 'accepted',
           'accepted', '需协调产权单位', '{"hours": 24}'::jsonb
    FROM cases WHERE status = 'closed' AND unit_code IS NOT NULL AND id % 50 = 3
    UNION ALL
    SELECT id, created_at, created_at + interval '2 hours', 'command', 'extension_decision',
           'accepted', 'accepted', '同意延期', '{"hours": 24, "approved": true}'::jsonb
    FROM cases WHERE status = 'closed' AND unit_code IS NOT NULL AND id % 50 = 3
    """,
)
# Each case's dispatch limit from its report, and its last dispatch as its trail has it (the
# command centre's, else the move to its grid at intake): one unit case in 19 waited 38 minutes,
# past the half hour of 街面秩序.
_DISPATCH_TIMES = (
    """
UPDATE cases c SET dispatched_at = e.at
FROM (SELECT case_id,
             COALESCE(max(at) FILTER (WHERE kind = 'dispatch'),
                      min(at) FILTER (WHERE to_status = 'assigned')) AS at
      FROM case_events GROUP BY case_id) e
WHERE e.case_id = c.id
""",
    """
UPDATE cases SET dispatch_due_at = case_dispatch_due(category_code, created_at),
                 dispatched_at = COALESCE(dispatched_at, CASE WHEN status NOT IN
                     ('reported', 'registered', 'refused', 'duplicate') THEN created_at END)
""",
)
PHOTO_SAMPLE = 40  # cases of each kind below with photos


def _demo_photos(session: Session) -> int:
    """Photos on a sample, drawn here (no file ships): the newest open cases' report photos,
    the newest closed cases' handling and verification photos. Each a 640x480 JPEG of its own
    colours."""
    import io

    from PIL import Image, ImageDraw

    from geo.cases.media import add_photo

    def photo(seed: int, stage: str) -> bytes:
        img = Image.new("RGB", (640, 480), (90 + seed * 37 % 120, 110 + seed * 53 % 100, 120))
        draw = ImageDraw.Draw(img)
        for i in range(12):  # a street scene's blocks, different for each case and stage
            x = (seed * 71 + i * 97 + len(stage) * 31) % 560
            y = (seed * 29 + i * 61) % 400
            draw.rectangle((x, y, x + 80, y + 60), fill=((x * 3) % 255, (y * 5) % 255, 160))
        out = io.BytesIO()
        img.save(out, format="JPEG", quality=80)
        return out.getvalue()

    n = 0
    sample = {
        "open": "SELECT id FROM cases WHERE case_is_open(status) ORDER BY created_at DESC LIMIT :k",
        "closed": "SELECT id FROM cases WHERE status = 'closed' ORDER BY closed_at DESC LIMIT :k",
    }
    for kind, sql in sample.items():
        for case_id in session.execute(text(sql), {"k": PHOTO_SAMPLE}).scalars():
            stages = ("report",) if kind == "open" else ("report", "handling", "verify")
            for stage in stages:
                add_photo(session, case_id, stage, photo(case_id, stage), "demo")
                n += 1
    return n
