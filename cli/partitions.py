"""`gridmap partitions list|ensure|archive|restore`: the months of cases
(geo/cases/partitions.py)."""

from __future__ import annotations

import json

import click

from cli.session import database_url, session_for


@click.group()
def partitions() -> None:
    """The months cases are kept in (cases_YYYY_MM with their events), live and archived."""


@partitions.command("list")
def list_() -> None:
    """Every month, live or archived, with its cases, open cases and events (JSON lines)."""
    from zoneinfo import ZoneInfo

    from geo.cases.partitions import list_months
    from geo.vocabulary import DISTRICT_TZ

    tz = ZoneInfo(DISTRICT_TZ)
    with session_for(database_url()) as s:
        for m in list_months(s):
            click.echo(
                json.dumps(
                    {
                        "month": m.name,
                        "schema": m.schema,
                        "from": m.start.astimezone(tz).isoformat(),
                        "to": m.end.astimezone(tz).isoformat(),
                        "cases": m.cases,
                        "open": m.open_cases,
                        "events": m.events,
                    }
                )
            )


@partitions.command()
@click.option("--ahead", type=click.IntRange(0, 120), default=2, show_default=True)
def ensure(ahead: int) -> None:
    """Make this month and the next AHEAD (a writer also makes a missing month itself; run
    this daily, or after a long stop, so none has to)."""
    from geo.cases.partitions import ensure_ahead

    with session_for(database_url()) as s:
        made = ensure_ahead(s, ahead)
        s.commit()
    click.echo(json.dumps({"made": made}))


@partitions.command()
@click.option("--before", required=True, metavar="YYYY-MM", help="archive the months before it")
def archive(before: str) -> None:
    """Move the months before BEFORE out of the live tables into the schema archive, cases and
    events together; refused while any of them has an open case."""
    from geo.cases.partitions import archive as detach

    with session_for(database_url()) as s:
        moved = detach(s, before)
        s.commit()
    click.echo(json.dumps({"archived": moved}))


@partitions.command()
@click.argument("month", metavar="YYYY-MM")
def restore(month: str) -> None:
    """Bring an archived MONTH back into the live tables."""
    from geo.cases.partitions import restore as attach

    with session_for(database_url()) as s:
        attach(s, month)
        s.commit()
    click.echo(json.dumps({"restored": month}))


COMMANDS = (partitions,)
