"""Alembic environment: online migrations only, with geoalchemy2's helpers for autogenerate."""

from alembic import context
from geoalchemy2 import alembic_helpers
from sqlalchemy import create_engine, pool

from geo.cases.partitions import made_by_database
from geo.migrations.metadata import metadata

config = context.config
url = config.get_main_option("sqlalchemy.url")
engine = create_engine(url, poolclass=pool.NullPool)


def include_object(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    # PostGIS and pgRouting own these tables; never autogenerate drops for them.
    if type_ == "table" and name in {"spatial_ref_sys"}:
        return False
    # a month of cases (geo/cases/partitions.py) is made by the database, not by a migration
    if reflected and made_by_database(obj, name, type_):
        return False
    return alembic_helpers.include_object(obj, name, type_, reflected, compare_to)


with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        include_object=include_object,
        process_revision_directives=alembic_helpers.writer,
        render_item=alembic_helpers.render_item,
    )
    with context.begin_transaction():
        context.run_migrations()
