"""담당 이력 names people: the server sends each entry's display names (optional keys), the
laptop keeps them with the household, and a server without them still works."""

from __future__ import annotations

from collections.abc import Callable

from fieldapp import records
from sync.server import admin
from sync.server.syncing import load_household_wire
from tests.helpers.live_server import LiveServer
from tests.helpers.world import World
from tests.sync.client.conftest import BOTH_DATABASES, Device

MakeDevice = Callable[..., Device]

NAMES = {"vol1": "김하나", "vol2": "이둘", "sup1": "박관리"}


def _name_people(live: LiveServer) -> None:
    with live.session() as s:
        for username, display in NAMES.items():
            admin.get_user(s, username).display_name = display


@BOTH_DATABASES
def test_the_pulled_history_carries_the_display_names(
    live: LiveServer, world: World, make_device: MakeDevice
) -> None:
    _name_people(live)
    moved = world.hh[0]
    with live.session() as s:
        admin.assign_household(s, moved, "welfare_check", "vol2", actor="sup1", reason="이사")
    device = make_device("vol2")
    device.sync()
    household = records.get_household(device.store, moved)
    assert household is not None
    last = household["assignment_history"][-1]
    assert (last["username"], last["display_name"]) == ("vol2", "이둘")
    assert (last["previous_username"], last["previous_display_name"]) == ("vol1", "김하나")
    assert (last["assigned_by"], last["assigned_by_display_name"]) == ("sup1", "박관리")
    # The one-household path (edits, reassignment sizes) names them too.
    with live.session() as s:
        wire = load_household_wire(s, moved)
    assert wire is not None
    assert wire["assignment_history"] == household["assignment_history"]


def test_an_unknown_actor_has_no_display_name(live: LiveServer, world: World) -> None:
    """An actor who is no user (a script's name) stays a username: the key is None."""
    with live.session() as s:
        admin.assign_household(
            s, world.hh[3], "welfare_check", "vol1", actor="import-script", reason="CSV"
        )
    with live.session() as s:
        wire = load_household_wire(s, world.hh[3])
    assert wire is not None
    last = wire["assignment_history"][-1]
    assert last["assigned_by"] == "import-script"
    assert last["assigned_by_display_name"] is None
    assert last["previous_display_name"] is None  # nobody held it before
