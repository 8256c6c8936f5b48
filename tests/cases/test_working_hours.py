"""Time limits on the district's calendar (issue #29): working hours across a weekend, a
public holiday and a make-up working day; the warning at 80 % and 100 %; the clock stopped
while a case is parked."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import text
from sqlalchemy.orm import Session

CST = "+08:00"


def add_hours(session: Session, start: str, hours: float, working: bool = True) -> datetime:
    return session.execute(
        text("SELECT add_hours(CAST(:s AS timestamptz), :h, :w)"),
        {"s": start + CST, "h": hours, "w": working},
    ).scalar_one()


def local(at: datetime) -> str:
    return at.astimezone(datetime.fromisoformat("2027-01-01T00:00+08:00").tzinfo).strftime(
        "%Y-%m-%d %H:%M"
    )


def test_working_hours_skip_nights_lunch_weekends_and_holidays(session: Session) -> None:
    # 2026-12-04 is a Friday; periods 08:30-12:00 and 13:30-17:30 (7.5 h a day)
    assert local(add_hours(session, "2026-12-04T16:30", 1)) == "2026-12-04 17:30"
    assert local(add_hours(session, "2026-12-04T16:30", 2)) == "2026-12-07 09:30"  # Monday
    assert local(add_hours(session, "2026-12-04T11:30", 1)) == "2026-12-04 14:00"  # lunch
    assert local(add_hours(session, "2026-12-05T10:00", 1)) == "2026-12-07 09:30"  # Saturday
    assert local(add_hours(session, "2026-12-04T20:00", 24, working=False)) == "2026-12-05 20:00"
    session.execute(  # Monday a holiday, Sunday a make-up working day
        text(
            "INSERT INTO calendar_days (day, working, note) VALUES "
            "('2026-12-07', false, '测试假日'), ('2026-12-06', true, '调休上班')"
        )
    )
    assert local(add_hours(session, "2026-12-04T16:30", 2)) == "2026-12-06 09:30"  # Sunday
    assert local(add_hours(session, "2026-12-06T17:00", 1)) == "2026-12-08 09:00"  # Tuesday


def test_a_case_warns_at_80_percent_and_stops_its_clock_while_parked(app, session) -> None:  # type: ignore[no-untyped-def]
    from tests.cases.test_desk import report, step

    session.execute(text("UPDATE categories SET working_hours = true WHERE code = 'noise'"))
    case_id = report(app, "noise")
    due, warn, created = session.execute(
        text("SELECT due_at, warn_at, created_at FROM cases WHERE id = :i"), {"i": case_id}
    ).one()
    expected = session.execute(
        text(
            "SELECT add_hours(c.created_at, k.sla_hours, true), "
            "add_hours(c.created_at, k.sla_hours * 0.8, true) "
            "FROM cases c JOIN categories k ON k.code = c.category_code WHERE c.id = :i"
        ),
        {"i": case_id},
    ).one()
    assert (due, warn) == tuple(expected)  # on the working-hours clock
    assert created < warn < due

    def warning(at: datetime) -> str:
        return session.execute(
            text("SELECT case_warning(status, warn_at, due_at, :at) FROM cases WHERE id = :i"),
            {"at": at, "i": case_id},
        ).scalar_one()

    assert warning(warn - timedelta(minutes=1)) == "none"
    assert warning(warn + timedelta(minutes=1)) == "yellow"
    assert warning(due + timedelta(minutes=1)) == "red"
    step(app, "street", case_id, "park", {"reason": "待资金", "review_on": "2027-03-01"})
    assert warning(due + timedelta(days=30)) == "none"  # parked: the clock stands
    session.execute(  # parked a day ago
        text(
            "UPDATE case_events SET at = at - interval '1 day' WHERE case_id = :i "
            "AND to_status = 'parked'"
        ),
        {"i": case_id},
    )
    back = keyed_move(app, case_id)
    assert back == 200
    moved = session.execute(text("SELECT due_at FROM cases WHERE id = :i"), {"i": case_id}).scalar()
    assert timedelta(hours=23, minutes=59) < moved - due < timedelta(days=1, minutes=1)


def keyed_move(app, case_id: int) -> int:  # type: ignore[no-untyped-def]
    from tests.conftest import keyed

    r = keyed(app, "street-key").post(
        f"/api/v1/cases/{case_id}/transitions", json={"to": "assigned"}
    )
    return int(r.status_code)
