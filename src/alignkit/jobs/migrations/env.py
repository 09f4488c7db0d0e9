"""Alembic's entry point: runs migrations on the connection that alignkit.jobs.db.upgrade
passes in `config.attributes`, or on a new engine for $ALIGNKIT_DATABASE_URL."""

from __future__ import annotations

from typing import Any

from alembic import context

from alignkit.jobs.db import VERSION_TABLE, make_engine
from alignkit.jobs.models import Base, UTCDateTime


def _render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    # a migration must not import models.py (it changes after the migration is written)
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _run(connection: Any) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        version_table=VERSION_TABLE,
        # SQLite alters a table by copying it; batch mode does that for later migrations
        render_as_batch=connection.dialect.name == "sqlite",
        render_item=_render_item,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    with make_engine().begin() as conn:
        _run(conn)
