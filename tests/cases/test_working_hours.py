"""Time limits on the district's calendar (issue #29): working hours across a weekend, a
public holiday and a make-up working day; the warning at 80 % and 100 %; the clock stopped
while a case is parked or an extension waits."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.conftest import keyed

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
    paused = session.execute(  # parked three days ago
        text(
            "UPDATE cases SET paused_at = paused_at - interval '3 days' WHERE id = :i "
            "RETURNING paused_at"
        ),
        {"i": case_id},
    ).scalar_one()
    back = keyed_move(app, case_id)
    assert back == 200
    moved, passed = session.execute(
        text(
            "SELECT due_at, hours_between(CAST(:p AS timestamptz), now(), true) "
            "FROM cases WHERE id = :i"
        ),
        {"i": case_id, "p": paused},
    ).one()
    assert 7.5 <= passed <= 3 * 7.5  # three days hold one to three working days
    # the due time moves on by the working hours that passed while parked, not by 72 hours
    assert moved == add_hours_at(session, due, passed)
    assert (
        session.execute(text("SELECT paused_at FROM cases WHERE id = :i"), {"i": case_id}).scalar()
        is None
    )


def add_hours_at(session: Session, start: datetime, hours: float) -> datetime:
    return session.execute(
        text("SELECT add_hours(:s, :h, true)"), {"s": start, "h": hours}
    ).scalar_one()


def test_working_hours_between_two_times_skip_what_is_not_working_time(session: Session) -> None:
    def between(a: str, b: str, working: bool = True) -> float:
        return float(
            session.execute(
                text("SELECT hours_between(CAST(:a AS timestamptz), CAST(:b AS timestamptz), :w)"),
                {"a": a + CST, "b": b + CST, "w": working},
            ).scalar_one()
        )

    assert between("2026-12-04T16:30", "2026-12-07T09:30") == 2.0  # Friday to Monday
    assert between("2026-12-04T11:00", "2026-12-04T14:00") == 1.5  # lunch
    assert between("2026-12-05T09:00", "2026-12-06T18:00") == 0.0  # a weekend
    assert between("2026-12-04T16:30", "2026-12-07T09:30", working=False) == 65.0
    assert between("2026-12-07T09:30", "2026-12-04T16:30") == 0.0
    session.execute(
        text("INSERT INTO calendar_days (day, working, note) VALUES ('2026-12-05', true, '调休')")
    )
    assert between("2026-12-05T08:00", "2026-12-06T18:00") == 7.5  # a make-up working day
    # the two functions agree: hours after a start end where they were counted to
    start, hours = "2026-12-04T10:15", 11.25
    end = add_hours(session, start, hours)
    assert between(start, local(end).replace(" ", "T")) == hours


def test_the_clock_stands_while_an_extension_waits_for_its_answer(app, session) -> None:  # type: ignore[no-untyped-def]
    """Asked at a time the case was not yet late, it is not yellow or red while the answer
    waits, and the warnings writer tells no one; answered, its times move on by the hours it
    waited and, if approved, the hours granted."""
    from geo.cases.notices import write_warnings
    from tests.cases.test_desk import report, step

    case_id = report(app, "noise")  # calendar hours
    step(app, "street", case_id, "dispatch", {})
    assert (
        step(app, "worker_a", case_id, "extension", {"hours": 1, "reason": "待配件"}).status_code
        == 200
    )
    due = session.execute(  # asked 3 hours ago, 2 hours before the case's warning time
        text(
            "UPDATE cases SET paused_at = now() - interval '3 hours', "
            "warn_at = now() - interval '1 hour', due_at = now() - interval '30 minutes' "
            "WHERE id = :i RETURNING due_at"
        ),
        {"i": case_id},
    ).scalar_one()
    read = keyed(app, "street-key").get(f"/api/v1/cases/{case_id}").get_json()
    assert (read["warning"], read["overdue"]) == ("none", False)
    write_warnings(session, datetime.now().astimezone())
    told = "SELECT count(*) FROM notices WHERE case_id = :i AND kind = 'warning'"
    assert session.execute(text(told), {"i": case_id}).scalar() == 0
    answered = step(app, "street", case_id, "extension/decision", {"approved": True})
    assert answered.status_code == 200
    moved, paused = session.execute(
        text("SELECT due_at, paused_at FROM cases WHERE id = :i"), {"i": case_id}
    ).one()
    assert paused is None
    # 3 hours waited and 1 granted, on the category's calendar clock
    assert timedelta(hours=3, minutes=59) < moved - due < timedelta(hours=4, minutes=1)
    assert answered.get_json()["warning"] == "none"


def keyed_move(app, case_id: int) -> int:  # type: ignore[no-untyped-def]
    from tests.conftest import keyed

    r = keyed(app, "street-key").post(
        f"/api/v1/cases/{case_id}/transitions", json={"to": "assigned"}
    )
    return int(r.status_code)
