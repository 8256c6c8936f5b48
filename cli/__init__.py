"""The `gridmap` command: database lifecycle, loading, validation, cases, keys, serving.

No Flask here except what `serve` starts: the commands call the spatial core (geo/) and the
loaders (data/) directly, each in one session that is closed when the command ends. Domain
errors (geo/errors.py) become a message on stderr and exit status 2.
"""

from __future__ import annotations

import click

from cli import database, notify, partitions, people, records


@click.group()
def main() -> None:
    """gridmap: grid-governance maps for Chinese city districts (街道 → 社区 → 网格)."""


for command in (
    *database.COMMANDS,
    *partitions.COMMANDS,
    *records.COMMANDS,
    *people.COMMANDS,
    *notify.COMMANDS,
):
    main.add_command(command)
