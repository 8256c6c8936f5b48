"""The JSON shapes the app answers with, as OpenAPI 3.1 schemas (components.schemas), for the
API description (webmap/openapi.py); tests/test_openapi.py holds the app's answers to them."""

from __future__ import annotations

from typing import Any

J = "application/json"
GEOJSON = "application/geo+json"


def obj(required: tuple[str, ...] = (), **props: Any) -> dict[str, Any]:
    return {"type": "object", "required": list(required), "properties": props}


def arr(items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": items}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """OpenAPI 3.1 (JSON Schema 2020-12): null is one more type."""
    return {"anyOf": [schema, {"type": "null"}]}


S, N, INT, B = {"type": "string"}, {"type": "number"}, {"type": "integer"}, {"type": "boolean"}
CODE_NAME = obj(("code", "name"), code=S, name=S)

MEETING_SUMMARY = obj(
    ("id", "kind", "held_on", "topic", "topic_class", "status", "place_kind", "place_code"),
    id=INT,
    kind=S,
    held_on=S,
    topic=S,
    topic_class=S,
    status=S,
    status_label=S,
    outcome=nullable(S),
    place_kind=S,
    place_code=S,
)

RENEWAL_PROJECT = obj(
    ("id", "name", "households", "signed", "rate_pct", "days"),
    id=INT,
    name=S,
    compound=CODE_NAME,
    started_on=S,
    mobilised_on=S,
    last_signed_on=nullable(S),
    buildings=INT,
    representatives=INT,
    households=INT,
    signed=INT,
    rate_pct=nullable(N),
    days=nullable(INT),
)

VISIT = obj(
    ("id", "firm", "building", "commissioner", "visit_on", "window", "urgent", "status"),
    id=INT,
    firm=CODE_NAME,
    building=CODE_NAME,
    commissioner=S,
    visit_on=S,
    window=arr(S),
    urgent=B,
    status=S,
    outcome=nullable(S),
    purposes=arr(obj(("department", "purpose"), department=S, purpose=S)),
    needs=arr(INT),
)

SCHEMAS: dict[str, dict[str, Any]] = {
    "Error": obj(
        ("error", "message"),
        error=S,
        message=S,
        details=arr({"type": "object"}),
        retry_with_same_key=B,
    ),
    "Open311Errors": arr(obj(("code", "description"), code=INT, description=S)),
    "Assignment": obj(
        ("point", "street", "community", "grid", "zone", "party_org", "worker", "rule"),
        point=obj(("lon", "lat"), lon=N, lat=N),
        street=nullable(CODE_NAME),
        community=nullable(CODE_NAME),
        grid=nullable(CODE_NAME),
        zone=nullable(obj(("code", "name", "kind"), code=S, name=S, kind=S)),
        party_org=nullable(obj(("code", "name", "kind"), code=S, name=S, kind=S)),
        worker=nullable(obj(("id", "name"), id=S, name=S)),
        residential_building=nullable(CODE_NAME),
        stairwell_branch=nullable(CODE_NAME),
        rule=S,
        outside=B,
        distance_m=nullable(N),
    ),
    "Case": obj(
        ("id", "status", "category", "assignment", "created_at", "events"),
        id=INT,
        status=S,
        status_label=S,
        source=S,
        description=S,
        address=nullable(S),
        category=obj(("code", "name"), code=S, name=S, sla_hours=N),
        assignment=ref("Assignment"),
        reporter=obj((), name=nullable(S), phone=nullable(S)),
        received=obj((), lon=N, lat=N, crs=S),
        created_at=S,
        updated_at=S,
        due_at=nullable(S),
        closed_at=nullable(S),
        overdue=B,
        possible_duplicates=arr({"type": "object"}),
        events=arr(obj(("kind", "at"), kind=S, at=S, actor=nullable(S), note=nullable(S))),
    ),
    "BatchReport": obj(
        ("rows", "accepted", "rejected"),
        rows=INT,
        accepted=INT,
        rejected=arr(obj(("row", "reason"), row=INT, reason=S)),
        parts=arr({"type": "object"}),
        already_imported=arr({"type": "object"}),
        seconds=N,
    ),
    "FeatureCollection": obj(
        ("type", "features"),
        type={"type": "string", "enum": ["FeatureCollection"]},
        features=arr(
            obj(
                ("type", "geometry", "properties"),
                type={"type": "string", "enum": ["Feature"]},
                geometry=nullable({"type": "object"}),
                properties={"type": "object"},
            )
        ),
    ),
    "Coverage": obj(
        ("kind", "threshold_m", "totals", "compounds", "communities"),
        kind=S,
        threshold_m=N,
        network_limit_m=N,
        facilities=INT,
        totals={"type": "object"},
        compounds=arr({"type": "object"}),
        communities=arr({"type": "object"}),
    ),
    "Scenario": obj(
        ("kind", "threshold_m", "before", "after", "delta_households", "changed"),
        kind=S,
        threshold_m=N,
        before={"type": "object"},
        after={"type": "object"},
        delta_households=INT,
        changed=arr({"type": "object"}),
    ),
    "Suggestion": obj(
        ("kind", "threshold_m", "k", "sites"),
        kind=S,
        threshold_m=N,
        k=INT,
        method=S,
        candidates=INT,
        sites=arr(obj(("lon", "lat", "households_gained"), lon=N, lat=N, households_gained=INT)),
        uncovered_households_before=INT,
        uncovered_households_after=INT,
    ),
    "Account": obj(
        ("username", "role", "areas"),
        username=S,
        display_name=nullable(S),
        role=S,
        role_label=S,
        areas=arr(obj(("kind", "code"), kind=S, code=S)),
        worker_id=nullable(S),
        must_change_password=B,
        csrf_token=S,
    ),
    "AuditEntry": obj(
        ("id", "at", "action", "ok"),
        id=INT,
        at=S,
        username=nullable(S),
        action=S,
        target=nullable(S),
        ok=B,
        address=nullable(S),
        detail=nullable({"type": "object"}),
    ),
    "Compound": obj(
        ("code", "name", "three_parties"),
        code=S,
        name=S,
        households=INT,
        compound_type=S,
        open_cases=INT,
        changes=arr({"type": "object"}),
        three_parties=obj(
            ("residents_committee", "owners_committee", "property", "party_org", "commissioner"),
            residents_committee={"type": "object"},
            owners_committee={"type": "object"},
            property={"type": "object"},
            party_org=nullable({"type": "object"}),
            commissioner=nullable(S),
        ),
        indicators={"type": "object"},
        meetings=arr(MEETING_SUMMARY),
        renewal_projects=arr(obj(("id", "name"), id=INT, name=S, rate_pct=nullable(N))),
        residential_buildings=arr(
            obj(
                ("code", "name", "households", "elevator"),
                code=S,
                name=S,
                units=nullable(INT),
                floors=nullable(INT),
                households=INT,
                year_built=nullable(INT),
                elevator=obj(("state", "count"), state=S, count=INT, date=nullable(S)),
                stairwell_branch=nullable(CODE_NAME),
            )
        ),
    ),
    "Residential": obj(
        ("compounds", "committee_formation", "owners_committee"),
        compounds=INT,
        **{
            k: obj(
                ("numerator", "denominator", "rate"),
                numerator=INT,
                denominator=INT,
                rate=nullable(N),
            )
            for k in (
                "committee_formation",
                "owners_committee",
                "property_coverage_old",
                "service_level_old",
                "reelections_due",
                "elevators_added",
                "elevators_renewed",
            )
        },
        open_cases_per_100_households={"type": "object"},
    ),
    "MeetingSummary": MEETING_SUMMARY,
    "Meeting": obj(
        ("id", "kind", "held_on", "topic", "status", "place", "actions", "agenda"),
        **MEETING_SUMMARY["properties"],
        place=obj(("kind", "code", "name"), kind=S, code=S, name=nullable(S)),
        participants={"type": "object"},
        decisions=nullable(S),
        created_by=S,
        actions=arr(
            obj(
                ("id", "action", "owner", "due_on", "status"),
                id=INT,
                action=S,
                owner=S,
                due_on=S,
                status=S,
                overdue=B,
                done_at=nullable(S),
                done_by=nullable(S),
                note=nullable(S),
            )
        ),
        agenda=arr(
            obj(
                ("case_id", "archived", "status"),
                case_id=INT,
                archived=B,
                status=nullable(S),  # null: the case's month is archived
                status_label=S,
                category=nullable(S),
                description=nullable(S),
            )
        ),
    ),
    "MeetingCounts": obj(
        ("total", "by_place_kind", "by_topic_class", "by_outcome", "by_status", "by_actions"),
        total=INT,
        **{
            k: {"type": "object", "additionalProperties": INT}
            for k in ("by_place_kind", "by_topic_class", "by_outcome", "by_status", "by_actions")
        },
    ),
    "RenewalProject": RENEWAL_PROJECT,
    "RenewalProgress": obj(
        ("id", "households", "signed", "rate_pct", "days", "buildings", "groups", "daily"),
        **{k: v for k, v in RENEWAL_PROJECT["properties"].items() if k != "buildings"},
        building_count=INT,
        buildings=arr(
            obj(
                ("code", "name", "households", "signed", "rate_pct"),
                code=S,
                name=S,
                households=INT,
                signed=INT,
                rate_pct=nullable(N),
                representative=nullable(S),
                group=nullable(S),
                last_signed_on=nullable(S),
            )
        ),
        groups=arr(
            obj(
                ("name", "buildings", "households", "signed", "rate_pct", "complete"),
                name=S,
                buildings=arr(S),
                households=INT,
                signed=INT,
                rate_pct=nullable(N),
                complete=B,
                last_signed_on=nullable(S),
            )
        ),
        daily=arr(
            obj(
                ("date", "since_mobilisation", "signed", "cumulative", "rate_pct"),
                date=S,
                since_mobilisation=INT,
                signed=INT,
                cumulative=INT,
                rate_pct=nullable(N),
            )
        ),
    ),
    "Visit": VISIT,
    "VisitRequest": obj(
        ("id", "firm", "department", "visit_id", "joined", "visit"),
        id=INT,
        firm=S,
        department=S,
        purpose=S,
        earliest=S,
        latest=S,
        urgent=B,
        visit_id=INT,
        joined=B,
        visit=VISIT,
    ),
    "DayRoute": obj(
        ("commissioner", "date", "station", "stops", "route_m", "filing_order_m"),
        commissioner=S,
        date=S,
        station=obj(("code", "name", "lon", "lat"), code=S, name=S, lon=N, lat=N),
        stops=arr(
            obj(
                ("seq", "visit_id", "firm", "building", "lon", "lat", "leg_m"),
                seq=INT,
                visit_id=INT,
                firm=CODE_NAME,
                building=CODE_NAME,
                status=S,
                urgent=B,
                lon=N,
                lat=N,
                leg_m=N,
            )
        ),
        route_m=N,
        filing_order_m=N,
        saved_m=N,
        route_m_per_visit=nullable(N),
        path=nullable({"type": "object"}),
    ),
    "BusinessStats": obj(
        ("needs", "closed", "closure_rate_pct", "visits", "requests", "by_settled_level"),
        **dict.fromkeys(
            (
                "firms",
                "firms_served",
                "key_taxpayers",
                "key_taxpayers_visited",
                "requests",
                "visits",
                "visits_done",
                "visits_this_month",
                "disturbance_saved",
                "needs",
                "closed",
            ),
            INT,
        ),
        key_taxpayer_coverage_pct=nullable(N),
        visits_per_firm_month=nullable(N),
        requests_per_firm_month=nullable(N),
        closure_rate_pct=nullable(N),
        by_settled_level={"type": "object", "additionalProperties": INT},
    ),
    "BusinessCommunity": obj(
        ("code", "name", "buildings", "firms", "first_year"),
        code=S,
        name=S,
        street_code=S,
        established_on=nullable(S),
        buildings=INT,
        firms=INT,
        first_year=obj(
            ("disputes_settled", "needs_solved", "activities", "firms_covered"),
            **{"from": S},
            disputes_settled=INT,
            needs_solved=INT,
            activities=INT,
            firms_covered=INT,
        ),
        stats=ref("BusinessStats"),
    ),
    "Need": obj(
        ("id", "kind", "category", "text", "status", "firm", "building"),
        id=INT,
        kind=S,
        kind_label=S,
        category=S,
        text=S,
        status=S,
        status_label=S,
        assignee=nullable(S),
        settled_level=nullable(S),
        note=nullable(S),
        offer_id=nullable(INT),
        visit_id=nullable(INT),
        firm=CODE_NAME,
        building=CODE_NAME,
        created_at=S,
        closed_at=nullable(S),
    ),
    "Offer": obj(
        ("id", "kind", "title"),
        id=INT,
        kind=S,
        kind_label=S,
        title=S,
        provider=nullable(S),
        walk_m=nullable(N),
    ),
    "OpenBlock": obj(
        ("code", "name", "rules", "shops", "stalls", "covered", "party_members"),
        code=S,
        name=S,
        households=INT,
        community=CODE_NAME,
        party_org=nullable(CODE_NAME),
        rules=arr(obj(("rule", "breaches", "open"), rule=S, breaches=INT, open=INT)),
        shops=INT,
        stalls=INT,
        covered=INT,
        covered_pct=nullable(N),
        party_members=arr(
            obj(
                ("code", "name", "mobile", "shops", "partners"),
                code=S,
                name=S,
                mobile=B,
                shops=INT,
                partners=arr(S),
            )
        ),
        mobile_members=INT,
        partner_units=arr(obj(("code", "name", "kind"), code=S, name=S, kind=S)),
        breaches_365d={"type": "object", "additionalProperties": INT},
        meetings=arr(MEETING_SUMMARY),
    ),
    "BlockStats": obj(
        ("blocks", "shops", "stalls", "covered"),
        blocks=INT,
        shops=INT,
        stalls=INT,
        covered=INT,
        covered_pct=nullable(N),
        mobile_members=INT,
        breaches_365d=INT,
        meetings=INT,
    ),
    "Layer": obj(("key", "title", "url", "geometry"), key=S, title=S, url=S, geometry=S),
    "Search": obj(("kind", "results"), kind=S, results=arr({"type": "object"}), message=S),
    "Cockpit": {"type": "object"},
    "Health": obj(("status",), status=S, postgis=S, counts={"type": "object"}),
    "Open311Service": obj(
        ("service_code", "service_name", "type"), service_code=S, service_name=S, type=S
    ),
    "Open311Request": obj(
        ("service_request_id", "status", "service_code"),
        service_request_id=S,
        status=S,
        service_code=S,
        lat=nullable(N),
        long=nullable(N),
        description=nullable(S),
        address=nullable(S),
    ),
}
