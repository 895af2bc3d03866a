"""Heat / cold alert campaigns of the supervisor workspace (issue 6).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 01:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "alert_campaigns",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("district_code", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("declared_by", sa.String(length=64), nullable=False),
        sa.Column("declared_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("household_ids", sa.JSON(), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["district_code"],
            ["districts.code"],
            name=op.f("fk_alert_campaigns_district_code_districts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_campaigns")),
    )
    with op.batch_alter_table("alert_campaigns", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_alert_campaigns_district_code"), ["district_code"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("alert_campaigns", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alert_campaigns_district_code"))
    op.drop_table("alert_campaigns")
