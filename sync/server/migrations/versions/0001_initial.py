"""Initial schema of the district server, and the server epoch.

The epoch (a fresh UUID) is made here, at migrate time: a database restored from a backup
made before a re-initialisation carries a different epoch, and devices holding the old one are
told to resync.

Revision ID: 0001
Revises: 
Create Date: 2026-11-25 00:54:27.515681
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import uuid
from datetime import UTC, datetime

from alembic import op


revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('access_log',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('device_id', sa.String(length=64), nullable=True),
    sa.Column('ip', sa.String(length=64), nullable=True),
    sa.Column('household_id', sa.String(length=36), nullable=True),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('event_id', sa.String(length=36), nullable=True),
    sa.Column('device_time', sa.DateTime(timezone=True), nullable=True),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_log')),
    sa.UniqueConstraint('event_id', name=op.f('uq_access_log_event_id')),
    sa.UniqueConstraint('hash', name=op.f('uq_access_log_hash'))
    )
    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_access_log_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_access_log_household_id'), ['household_id'], unique=False)

    op.create_table('districts',
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('code_system', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_districts'))
    )
    op.create_table('feed',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('household_id', sa.String(length=36), nullable=True),
    sa.Column('ref_id', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feed')),
    sa.UniqueConstraint('username', 'seq', name='uq_feed_username_seq')
    )
    with op.batch_alter_table('feed', schema=None) as batch_op:
        batch_op.create_index('ix_feed_household', ['household_id'], unique=False)

    op.create_table('incidents',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('device_id', sa.String(length=64), nullable=True),
    sa.Column('username', sa.String(length=64), nullable=True),
    sa.Column('reported_by', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incidents'))
    )
    op.create_table('permission_log',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('subject_type', sa.String(length=16), nullable=False),
    sa.Column('subject_id', sa.String(length=128), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_permission_log'))
    )
    with op.batch_alter_table('permission_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_permission_log_at'), ['at'], unique=False)

    op.create_table('server_meta',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('epoch', sa.String(length=36), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_server_meta'))
    )
    op.create_table('dongs',
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('district_code', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['district_code'], ['districts.code'], name=op.f('fk_dongs_district_code_districts')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_dongs'))
    )
    with op.batch_alter_table('dongs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dongs_district_code'), ['district_code'], unique=False)

    op.create_table('households',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('district_code', sa.String(length=16), nullable=False),
    sa.Column('dong_code', sa.String(length=16), nullable=False),
    sa.Column('household_type', sa.String(length=32), nullable=False),
    sa.Column('address_road', sa.String(length=300), nullable=False),
    sa.Column('address_detail', sa.String(length=300), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('risk_level', sa.String(length=16), nullable=True),
    sa.Column('care_group', sa.String(length=16), nullable=True),
    sa.Column('isolation_band', sa.String(length=16), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('emergency_contacts', sa.JSON(), nullable=False),
    sa.Column('consent_general', sa.JSON(), nullable=True),
    sa.Column('consent_health', sa.JSON(), nullable=True),
    sa.Column('persons', sa.JSON(), nullable=False),
    sa.Column('field_versions', sa.JSON(), nullable=False),
    sa.Column('alert_active', sa.Boolean(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['district_code'], ['districts.code'], name=op.f('fk_households_district_code_districts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_households'))
    )
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_households_district_code'), ['district_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_households_dong_code'), ['dong_code'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=100), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('district_code', sa.String(length=16), nullable=False),
    sa.Column('dong_codes', sa.JSON(), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('password_changed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['district_code'], ['districts.code'], name=op.f('fk_users_district_code_districts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_district_code'), ['district_code'], unique=False)

    op.create_table('assignment_history',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('household_id', sa.String(length=36), nullable=False),
    sa.Column('programme', sa.String(length=32), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=True),
    sa.Column('previous_username', sa.String(length=64), nullable=True),
    sa.Column('assigned_by', sa.String(length=64), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_assignment_history_household_id_households')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignment_history'))
    )
    with op.batch_alter_table('assignment_history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignment_history_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignment_history_username'), ['username'], unique=False)

    op.create_table('assignments',
    sa.Column('household_id', sa.String(length=36), nullable=False),
    sa.Column('programme', sa.String(length=32), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=True),
    sa.Column('assigned_by', sa.String(length=64), nullable=True),
    sa.Column('assigned_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_assignments_household_id_households')),
    sa.ForeignKeyConstraint(['username'], ['users.username'], name=op.f('fk_assignments_username_users')),
    sa.PrimaryKeyConstraint('household_id', 'programme', name=op.f('pk_assignments'))
    )
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignments_username'), ['username'], unique=False)

    op.create_table('conflicts',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('household_id', sa.String(length=36), nullable=False),
    sa.Column('field', sa.String(length=32), nullable=False),
    sa.Column('base_version', sa.Integer(), nullable=False),
    sa.Column('mine', sa.JSON(), nullable=True),
    sa.Column('mine_by', sa.String(length=64), nullable=False),
    sa.Column('mine_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('edit_id', sa.String(length=36), nullable=False),
    sa.Column('theirs', sa.JSON(), nullable=True),
    sa.Column('theirs_by', sa.String(length=64), nullable=True),
    sa.Column('theirs_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('resolved_value', sa.JSON(), nullable=True),
    sa.Column('resolved_by', sa.String(length=64), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_conflicts_household_id_households')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conflicts'))
    )
    with op.batch_alter_table('conflicts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conflicts_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_conflicts_status'), ['status'], unique=False)

    op.create_table('devices',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=True),
    sa.Column('db_key', sa.LargeBinary(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('registered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_seen', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_sync_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reported_pending', sa.Integer(), nullable=True),
    sa.Column('reported_oldest_pending_s', sa.Integer(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['username'], ['users.username'], name=op.f('fk_devices_username_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_devices')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_devices_token_hash'))
    )
    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_devices_username'), ['username'], unique=False)

    op.create_table('events',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('household_id', sa.String(length=36), nullable=False),
    sa.Column('type', sa.String(length=32), nullable=False),
    sa.Column('programme', sa.String(length=32), nullable=True),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('device_id', sa.String(length=64), nullable=False),
    sa.Column('device_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('amends', sa.String(length=36), nullable=True),
    sa.Column('skew_flag', sa.Boolean(), nullable=False),
    sa.Column('server_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('late_handover', sa.Boolean(), nullable=False),
    sa.Column('received_seq', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_events_household_id_households')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_events_household_id'), ['household_id'], unique=False)
        batch_op.create_index('ix_events_received_seq', ['received_seq'], unique=False)

    op.create_table('handover_inbox',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('household_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('ref_id', sa.String(length=36), nullable=False),
    sa.Column('from_username', sa.String(length=64), nullable=False),
    sa.Column('to_username', sa.String(length=64), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('acknowledged_by', sa.String(length=64), nullable=True),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_handover_inbox_household_id_households')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_handover_inbox'))
    )
    with op.batch_alter_table('handover_inbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_handover_inbox_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_handover_inbox_to_username'), ['to_username'], unique=False)

    op.create_table('household_edits',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('household_id', sa.String(length=36), nullable=False),
    sa.Column('field', sa.String(length=32), nullable=False),
    sa.Column('value', sa.JSON(), nullable=True),
    sa.Column('base_version', sa.Integer(), nullable=False),
    sa.Column('new_version', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('device_id', sa.String(length=64), nullable=False),
    sa.Column('device_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('server_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('late_handover', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_household_edits_household_id_households')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_household_edits'))
    )
    with op.batch_alter_table('household_edits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_household_edits_household_id'), ['household_id'], unique=False)

    op.create_table('push_requests',
    sa.Column('device_id', sa.String(length=64), nullable=False),
    sa.Column('idempotency_key', sa.String(length=64), nullable=False),
    sa.Column('request_hash', sa.String(length=64), nullable=False),
    sa.Column('response', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['device_id'], ['devices.id'], name=op.f('fk_push_requests_device_id_devices')),
    sa.PrimaryKeyConstraint('device_id', 'idempotency_key', name=op.f('pk_push_requests'))
    )
    with op.batch_alter_table('push_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_push_requests_created_at'), ['created_at'], unique=False)
    meta = sa.table(
        "server_meta",
        sa.column("id", sa.Integer),
        sa.column("epoch", sa.String),
        sa.column("seq", sa.BigInteger),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    op.bulk_insert(
        meta, [{"id": 1, "epoch": str(uuid.uuid4()), "seq": 0, "created_at": datetime.now(UTC)}]
    )


def downgrade() -> None:
    with op.batch_alter_table('push_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_push_requests_created_at'))

    op.drop_table('push_requests')
    with op.batch_alter_table('household_edits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_household_edits_household_id'))

    op.drop_table('household_edits')
    with op.batch_alter_table('handover_inbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_handover_inbox_to_username'))
        batch_op.drop_index(batch_op.f('ix_handover_inbox_household_id'))

    op.drop_table('handover_inbox')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_received_seq')
        batch_op.drop_index(batch_op.f('ix_events_household_id'))

    op.drop_table('events')
    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_devices_username'))

    op.drop_table('devices')
    with op.batch_alter_table('conflicts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conflicts_status'))
        batch_op.drop_index(batch_op.f('ix_conflicts_household_id'))

    op.drop_table('conflicts')
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignments_username'))

    op.drop_table('assignments')
    with op.batch_alter_table('assignment_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignment_history_username'))
        batch_op.drop_index(batch_op.f('ix_assignment_history_household_id'))

    op.drop_table('assignment_history')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_district_code'))

    op.drop_table('users')
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_households_dong_code'))
        batch_op.drop_index(batch_op.f('ix_households_district_code'))

    op.drop_table('households')
    with op.batch_alter_table('dongs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dongs_district_code'))

    op.drop_table('dongs')
    op.drop_table('server_meta')
    with op.batch_alter_table('permission_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_permission_log_at'))

    op.drop_table('permission_log')
    op.drop_table('incidents')
    with op.batch_alter_table('feed', schema=None) as batch_op:
        batch_op.drop_index('ix_feed_household')

    op.drop_table('feed')
    op.drop_table('districts')
    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_access_log_household_id'))
        batch_op.drop_index(batch_op.f('ix_access_log_at'))

    op.drop_table('access_log')
