"""Bounded feed: what each device has pulled (``devices.pulled_seq``) and how far each user's
feed has been trimmed (``feed_trims``).

No row is deleted here: ``fieldapp-server trim-feed`` trims. Existing devices start with
``pulled_seq`` NULL, which holds their user's feed untrimmed until they pull once (so no device
in the field is sent into a resync by the upgrade).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 21:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "feed_trims",
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("trimmed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["username"], ["users.username"], name=op.f("fk_feed_trims_username_users")
        ),
        sa.PrimaryKeyConstraint("username", name=op.f("pk_feed_trims")),
    )
    with op.batch_alter_table("devices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pulled_seq", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    # A plain DROP COLUMN (SQLite >= 3.35 has it): a batch rebuild of ``devices`` would drop
    # the table, which SQLite refuses while other tables' foreign keys point at its rows.
    op.drop_column("devices", "pulled_seq")
    op.drop_table("feed_trims")
