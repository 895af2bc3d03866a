"""One commit-order counter per district (``district_seqs``) instead of the one global row.

Every district's sequence starts from the old global counter (``server_meta.seq``, kept as the
floor and no longer written), so a cursor a device took before the upgrade keeps its meaning:
the user's feed rows up to it are those it has seen, every later change gets a higher number.
No cursor needs mapping and no device resyncs. Downgrade moves the global counter above every
number the districts gave out, for the same reason.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 18:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_meta = sa.table("server_meta", sa.column("id", sa.Integer()), sa.column("seq", sa.BigInteger()))
_districts = sa.table("districts", sa.column("code", sa.String(16)))
_seqs = sa.table(
    "district_seqs", sa.column("district_code", sa.String(16)), sa.column("seq", sa.BigInteger())
)


def upgrade() -> None:
    op.create_table(
        "district_seqs",
        sa.Column("district_code", sa.String(length=16), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["district_code"],
            ["districts.code"],
            name=op.f("fk_district_seqs_district_code_districts"),
        ),
        sa.PrimaryKeyConstraint("district_code", name=op.f("pk_district_seqs")),
    )
    floor = sa.select(_meta.c.seq).where(_meta.c.id == 1).scalar_subquery()
    op.get_bind().execute(
        _seqs.insert().from_select(
            ["district_code", "seq"], sa.select(_districts.c.code, sa.func.coalesce(floor, 0))
        )
    )


def downgrade() -> None:
    top = sa.select(sa.func.max(_seqs.c.seq)).scalar_subquery()
    op.get_bind().execute(
        _meta.update().where(_meta.c.id == 1).values(seq=sa.func.coalesce(top, _meta.c.seq))
    )
    op.drop_table("district_seqs")
