"""Events keep their whole wire JSON (``events.wire``), made once at ingest.

A pull page then splices each event's stored text into the page instead of building a dict,
formatting two datetimes and encoding the payload per row. Existing events are backfilled
here with the same encoding the server uses at ingest (``sync.server.syncing.event_wire_text``,
restated below so this migration never changes with the application code). A row left NULL
is built from its columns at pull time, exactly as before.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 04:00:00
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import orjson
import sqlalchemy as sa
from alembic import op
from pydantic_core import to_json

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Rows read and updated per round of the backfill.
BATCH = 2000

_events = sa.table(
    "events",
    sa.column("id", sa.String(36)),
    sa.column("type", sa.String(32)),
    sa.column("household_id", sa.String(36)),
    sa.column("programme", sa.String(32)),
    sa.column("created_by", sa.String(64)),
    sa.column("device_id", sa.String(64)),
    sa.column("device_time", sa.DateTime(timezone=True)),
    sa.column("payload", sa.JSON()),
    sa.column("amends", sa.String(36)),
    sa.column("skew_flag", sa.Boolean()),
    sa.column("server_time", sa.DateTime(timezone=True)),
    sa.column("late_handover", sa.Boolean()),
    sa.column("wire", sa.Text()),
)


def _iso(value: datetime | None) -> str | None:
    """UTC ISO 8601, as the server's UTCDateTime columns read back (SQLite keeps no offset)."""
    if value is None:
        return None
    value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value.isoformat()


def _wire(row: Any) -> str | None:
    try:
        return orjson.dumps(
            {
                "id": row.id,
                "type": row.type,
                "household_id": row.household_id,
                "programme": row.programme,
                "created_by": row.created_by,
                "device_id": row.device_id,
                "device_time": _iso(row.device_time),
                "payload": orjson.Fragment(to_json(row.payload)),
                "amends": row.amends,
                "skew_flag": bool(row.skew_flag),
                "server_time": _iso(row.server_time),
                "redacted": False,
                "late_handover": bool(row.late_handover),
            }
        ).decode()
    except (ValueError, TypeError):
        return None  # served from the columns, as before


def upgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("wire", sa.Text(), nullable=True))
    bind = op.get_bind()
    columns = [c for c in _events.c if c.name != "wire"]
    update = (
        _events.update()
        .where(_events.c.id == sa.bindparam("b_id"))
        .values(wire=sa.bindparam("b_wire"))
    )
    last = ""
    while True:  # keyset pages by id: bounded memory on a large district
        rows = bind.execute(
            sa.select(*columns).where(_events.c.id > last).order_by(_events.c.id).limit(BATCH)
        ).all()
        if not rows:
            break
        params = [{"b_id": r.id, "b_wire": w} for r in rows if (w := _wire(r)) is not None]
        if params:
            bind.execute(update, params)
        last = rows[-1].id


def downgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("wire")
