"""The supervisor workspace's operations (issue 6): pure functions over a Session.

Every function takes the acting supervisor's district and works only inside it: anything
outside it is reported as missing (:class:`NotInDistrict`, a 404 at the route), so a
supervisor of another district learns nothing and changes nothing. Writes go through the core
admin operations in :mod:`sync.server.admin` (permission log, revoke entries, feed fan-out);
like them, these functions do NOT commit: the caller commits once, so each call is atomic.

Counts come from what the server has acknowledged; what devices still hold unsynced is
shown apart, as they last reported it.

One module per concern, mirroring ``ui/supervisor/``: :mod:`.board`, :mod:`.reassign`,
:mod:`.inbox`, :mod:`.conflicts`, :mod:`.people` (users and devices), :mod:`.alerts`, and
:mod:`.common` (the actor, the errors, the district lookups). The package re-exports the
public names, so ``district.board(...)`` is the function; import a module's own names from the
module (``from sync.server.district.board import events_by_household``).
"""

from __future__ import annotations

from sync.server.district.alerts import (
    CONTACT_TYPES,
    AlertBoard,
    AlertHousehold,
    AlertRow,
    NewAlert,
    alert_board,
    alerts,
    declare_alert,
    end_alert,
    refresh_alerts,
)
from sync.server.district.board import CADENCE_PATHS, Board, WorkerRow, board
from sync.server.district.common import (
    ASSIGNABLE_ROLES,
    KST,
    WORKER_ROLES,
    Actor,
    DeviceRow,
    Forbidden,
    NotInDistrict,
    household_label,
    today_kst,
)
from sync.server.district.conflicts import ConflictRow, ResolveRequest, conflicts, resolve
from sync.server.district.inbox import InboxItem, acknowledge_inbox, inbox
from sync.server.district.people import (
    IncidentRow,
    NewUser,
    UserRow,
    create_user,
    deactivate_user,
    incidents,
    mark_device_lost,
    set_role,
    users,
)
from sync.server.district.reassign import (
    BATCH_ACTION,
    STALE_AFTER,
    UNDO_ACTION,
    UNDO_WINDOW,
    AffectedWorker,
    HoldingDevice,
    HouseholdRow,
    MoveRow,
    MovingHousehold,
    Preview,
    ReassignRequest,
    ReassignResult,
    Selection,
    apply_reassignment,
    household_rows,
    preview_reassignment,
    undo_reassignment,
)

__all__ = [
    "ASSIGNABLE_ROLES",
    "BATCH_ACTION",
    "CADENCE_PATHS",
    "CONTACT_TYPES",
    "KST",
    "STALE_AFTER",
    "UNDO_ACTION",
    "UNDO_WINDOW",
    "WORKER_ROLES",
    "Actor",
    "AffectedWorker",
    "AlertBoard",
    "AlertHousehold",
    "AlertRow",
    "Board",
    "ConflictRow",
    "DeviceRow",
    "Forbidden",
    "HoldingDevice",
    "HouseholdRow",
    "InboxItem",
    "IncidentRow",
    "MoveRow",
    "MovingHousehold",
    "NewAlert",
    "NewUser",
    "NotInDistrict",
    "Preview",
    "ReassignRequest",
    "ReassignResult",
    "ResolveRequest",
    "Selection",
    "UserRow",
    "WorkerRow",
    "acknowledge_inbox",
    "alert_board",
    "alerts",
    "apply_reassignment",
    "board",
    "conflicts",
    "create_user",
    "deactivate_user",
    "declare_alert",
    "end_alert",
    "household_label",
    "household_rows",
    "inbox",
    "incidents",
    "mark_device_lost",
    "preview_reassignment",
    "refresh_alerts",
    "resolve",
    "set_role",
    "today_kst",
    "undo_reassignment",
    "users",
]
