"""The local database schema, as named sqlite-utils migration steps.

Append new steps at the end; never edit a released one. ``SCHEMA_STEPS`` lists every step
this app knows: a database that has applied a step not in this list was written by a newer
app and is refused (see :mod:`fieldapp.store`).
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("fieldapp")

#: Sync states of a local record (events and household edits).
PENDING, SENT, ACCEPTED, REJECTED = "pending", "sent", "accepted", "rejected"
SYNC_STATES = (PENDING, SENT, ACCEPTED, REJECTED)


@migrations(name="0001_initial")
def _initial(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);  -- JSON values
        CREATE TABLE districts (code TEXT PRIMARY KEY, name TEXT NOT NULL,
                                code_system TEXT NOT NULL DEFAULT 'haengjeong_pyojun');
        CREATE TABLE dongs (code TEXT PRIMARY KEY, district_code TEXT NOT NULL,
                            name TEXT NOT NULL);
        CREATE TABLE users (username TEXT PRIMARY KEY, display_name TEXT NOT NULL,
                            role TEXT NOT NULL, district_code TEXT);
        -- Server state of each household in scope (sync.protocol.Household), with local
        -- pending edits applied on top; JSON columns hold lists/objects.
        CREATE TABLE households (
            id TEXT PRIMARY KEY,
            district_code TEXT NOT NULL,
            dong_code TEXT NOT NULL,
            household_type TEXT NOT NULL,
            address_road TEXT NOT NULL,
            address_detail TEXT,
            phone TEXT,
            risk_level TEXT,
            care_group TEXT,
            isolation_band TEXT,
            notes TEXT,
            emergency_contacts TEXT NOT NULL DEFAULT '[]',
            consent_general TEXT,
            consent_health TEXT,
            persons TEXT NOT NULL DEFAULT '[]',
            assignments TEXT NOT NULL DEFAULT '{}',
            assignment_history TEXT NOT NULL DEFAULT '[]',
            field_versions TEXT NOT NULL DEFAULT '{}',
            alert_active INTEGER NOT NULL DEFAULT 0,
            search_text TEXT NOT NULL DEFAULT ''  -- lower-cased names, address, phone, dong
        );
        CREATE INDEX households_dong ON households(dong_code);
        -- Append-only events (sync.protocol.Event) plus local sync bookkeeping.
        CREATE TABLE events (
            id TEXT PRIMARY KEY,
            type TEXT NOT NULL,
            household_id TEXT NOT NULL,
            programme TEXT,
            created_by TEXT NOT NULL,
            device_id TEXT NOT NULL,
            device_time TEXT NOT NULL,
            payload TEXT NOT NULL,
            amends TEXT,
            skew_flag INTEGER NOT NULL DEFAULT 0,
            redacted INTEGER NOT NULL DEFAULT 0,
            late_handover INTEGER NOT NULL DEFAULT 0,
            server_time TEXT,
            sync_state TEXT NOT NULL DEFAULT 'pending',
            reject_reason TEXT,
            local_order INTEGER NOT NULL  -- creation order on this device (or pull order)
        );
        CREATE INDEX events_household ON events(household_id, device_time);
        CREATE INDEX events_sync_state ON events(sync_state) WHERE sync_state != 'accepted';
        CREATE INDEX events_amends ON events(amends) WHERE amends IS NOT NULL;
        -- Household field edits made here, waiting for (or answered by) the server.
        CREATE TABLE household_edits (
            id TEXT PRIMARY KEY,
            household_id TEXT NOT NULL,
            field TEXT NOT NULL,
            value TEXT,  -- JSON
            base_version INTEGER NOT NULL,
            created_by TEXT NOT NULL,
            device_id TEXT NOT NULL,
            device_time TEXT NOT NULL,
            sync_state TEXT NOT NULL DEFAULT 'pending',
            reject_reason TEXT,
            local_order INTEGER NOT NULL
        );
        CREATE INDEX household_edits_state ON household_edits(sync_state);
        -- A push batch: its idempotency key is stored before the first send and reused
        -- for every retry of the same items.
        CREATE TABLE outbox_batches (
            idempotency_key TEXT PRIMARY KEY,
            item_ids TEXT NOT NULL,  -- JSON list of event / edit ids, in order
            created_at TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE conflicts (
            id TEXT PRIMARY KEY,
            household_id TEXT NOT NULL,
            field TEXT NOT NULL,
            status TEXT NOT NULL,
            data TEXT NOT NULL  -- sync.protocol.Conflict as JSON
        );
        -- Where a household went when it left this user's scope, and when it was purged.
        CREATE TABLE handovers (
            household_id TEXT NOT NULL,
            programme TEXT NOT NULL,
            label TEXT,  -- address kept to show the worker which household moved
            moved_to TEXT,
            moved_at TEXT NOT NULL,
            reason TEXT,
            purged_at TEXT,
            PRIMARY KEY (household_id, programme)
        );
        -- Records the server refused during a hand-over: kept, visible, exportable.
        CREATE TABLE quarantine (
            id TEXT PRIMARY KEY,
            household_id TEXT NOT NULL,
            kind TEXT NOT NULL,  -- event | household_edit
            data TEXT NOT NULL,
            reason TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        -- Unsaved form contents, so a crash or a lock loses nothing.
        CREATE TABLE drafts (
            id TEXT PRIMARY KEY,
            household_id TEXT,
            form TEXT NOT NULL,
            data TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        """
    )


@migrations(name="0002_household_server_values")
def _household_server_values(db: Database) -> None:
    # The server's value of each household field that has a local edit applied on top
    # ({field: value}, JSON), so a refused or conflicting edit can be rolled back to it
    # (fieldapp.records.settle_household_edits) without waiting for the next pull.
    db.execute("ALTER TABLE households ADD COLUMN server_values TEXT NOT NULL DEFAULT '{}'")


@migrations(name="0003_events_local_order_index")
def _events_local_order_index(db: Database) -> None:
    # ``max(local_order)`` runs for every saved record, pull page and sync cycle; without an
    # index it decrypts and scans every event (52 ms at 20,000 events, measured by bench/).
    db.execute("CREATE INDEX events_local_order ON events(local_order)")


SCHEMA_STEPS: tuple[str, ...] = tuple(m.name for m in migrations._migrations)
