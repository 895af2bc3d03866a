"""The supervisor workspace (issue 6): board, reassignment, conflicts, hand-over inbox, users and
devices, heat/cold alerts, indicators. Shown when the signed-in role is supervisor or admin.

Every server call goes through :class:`sync.client_supervisor.SupervisorClient` on the network
worker of :mod:`ui.operations`; nothing here blocks the UI thread.

The package itself stays light (a worker's window only needs :mod:`ui.supervisor.inbox`);
:class:`SupervisorWorkspace` and :class:`ReassignDialog` are imported when first asked for.
"""

from __future__ import annotations

from typing import Any

SUPERVISOR_ROLES = frozenset({"supervisor", "admin"})

__all__ = ["SUPERVISOR_ROLES", "ReassignDialog", "SupervisorWorkspace"]


def __getattr__(name: str) -> Any:
    if name == "SupervisorWorkspace":
        from ui.supervisor.workspace import SupervisorWorkspace

        return SupervisorWorkspace
    if name == "ReassignDialog":
        from ui.supervisor.reassign import ReassignDialog

        return ReassignDialog
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
