"""Three laptops doing random records, edits, syncs, reassignments and disconnections
converge: after everyone reconnects and syncs, every laptop holds exactly the server's view
of its user's scope, and every record any laptop made is on the server once.

A hypothesis state machine against the real server (bounded examples and steps).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule, run_state_machine_as_test

from fieldapp import records
from sync.client import OfflineError
from sync.server import admin
from tests.helpers.live_server import LiveServer
from tests.helpers.world import World, household_wire
from tests.sync.client.conftest import BOTH_DATABASES, Device, server_event_ids, server_view
from tests.sync.client.faults import FaultProxy

MakeDevice = Callable[..., Device]
USERS = ("vol1", "vol2", "nurse1")
DEVICES = st.integers(min_value=0, max_value=2)
HOUSEHOLDS = st.integers(min_value=0, max_value=2)
NOTES = st.sampled_from(["현관 앞 우편물", "전화 통화 양호", "병원 동행 필요", "이웃 안부 확인"])


def _household_fields(device: Device) -> dict[str, dict[str, Any]]:
    return {h["id"]: h for h in records.list_households(device.store)}


@BOTH_DATABASES
def test_three_devices_converge(live: LiveServer, world: World, make_device: MakeDevice) -> None:
    on_postgres = live.database_url.startswith("postgresql")

    class Laptops(RuleBasedStateMachine):
        """Model: which households exist and who made which events."""

        def __init__(self) -> None:
            super().__init__()
            self.proxies: list[FaultProxy] = []
            self.devices: list[Device] = []
            self.online: list[bool] = []
            self.households: list[str] = []
            self.made: set[str] = set()
            self.deleted: set[str] = set()

        @initialize()
        def start(self) -> None:
            for owner in ("vol1", "vol1", "vol2"):
                with live.session() as s:
                    hh = admin.create_household(
                        s,
                        household_wire(
                            assignments={"welfare_check": owner, "visiting_health": "nurse1"}
                        ),
                        actor="sup1",
                    )
                    self.households.append(hh.id)
            for user in USERS:
                proxy = FaultProxy(live.base_url)
                self.proxies.append(proxy)
                self.devices.append(make_device(user, url=proxy.base_url))
                self.online.append(True)

        @rule(d=DEVICES, h=HOUSEHOLDS, text=NOTES)
        def record(self, d: int, h: int, text: str) -> None:
            device, hid = self.devices[d], self.households[h]
            if hid in device.household_ids():
                self.made.add(device.note(hid, text))

        @rule(d=DEVICES, h=HOUSEHOLDS, text=NOTES)
        def edit(self, d: int, h: int, text: str) -> None:
            device, hid = self.devices[d], self.households[h]
            if hid in device.household_ids():
                records.edit_household_field(
                    device.store,
                    hid,
                    "notes",
                    f"{text} ({device.username})",
                    user=device.username,
                    device_id=device.device_id,
                )

        @rule(d=DEVICES)
        def sync(self, d: int) -> None:
            device = self.devices[d]
            if self.online[d]:
                assert device.sync(max_attempts=2).completed
            else:
                try:
                    device.sync(max_attempts=1)
                except OfflineError:
                    assert device.engine().status().online is False
                else:
                    raise AssertionError("a disconnected laptop synced")

        @rule(d=DEVICES, path=st.sampled_from(["/sync/push", "/sync/pull"]))
        def lose_next_answer(self, d: int, path: str) -> None:
            """The server commits the next such request of this laptop; the answer is lost."""
            proxy = self.proxies[d]
            if not any(r.seen < 1 for r in proxy.rules):  # one at a time: a retry gets through
                proxy.add(path, "drop")

        @rule(d=DEVICES)
        def disconnect(self, d: int) -> None:
            if self.online[d]:
                self.proxies[d].down()
                self.online[d] = False

        @rule(d=DEVICES)
        def reconnect(self, d: int) -> None:
            if not self.online[d]:
                self.proxies[d].up()
                self.online[d] = True

        @rule(h=HOUSEHOLDS)
        def delete(self, h: int) -> None:
            hid = self.households[h]
            if hid not in self.deleted:
                with live.session() as s:
                    admin.delete_household(s, hid, actor="sup1")
                self.deleted.add(hid)

        @rule(h=HOUSEHOLDS, to=st.sampled_from(["vol1", "vol2"]))
        def reassign(self, h: int, to: str) -> None:
            if self.households[h] in self.deleted:
                return
            with live.session() as s:
                admin.assign_household(
                    s, self.households[h], "welfare_check", to, actor="sup1", reason="재배정"
                )

        def teardown(self) -> None:
            try:
                if self.devices:
                    self._converge()
            finally:
                for proxy in self.proxies:
                    proxy.close()
                for device in self.devices:
                    device.close()

        def _converge(self) -> None:
            for d, proxy in enumerate(self.proxies):
                if not self.online[d]:
                    proxy.up()
            for _round in range(2):  # late pushes reach the new holder in the second round
                for device in self.devices:
                    assert device.sync().completed
            held = server_event_ids(live)
            assert len(held) == len(set(held))
            quarantine = [
                q
                for device in self.devices
                for q in device.store.db.query("SELECT * FROM quarantine")
            ]
            lost = self.made - set(held) - {q["id"] for q in quarantine}
            assert not lost, "a record made on a laptop is neither on the server nor kept"
            # Only records of households deleted on the server may have been refused.
            assert {q["household_id"] for q in quarantine} <= self.deleted
            for device in self.devices:
                households, events = server_view(live, device.username, device.profile.memory_token)
                assert device.household_ids() == households, device.username
                assert device.event_ids() == events, device.username
                status = device.engine().status()
                assert status.pending == 0 and status.rejected == 0, device.username
                fields = _household_fields(device)
                with live.session() as s:
                    for hid in (households & set(self.households)) - self.deleted:
                        server = admin_household(s, hid)
                        assert fields[hid]["notes"] == server["notes"], (device.username, hid)
                        assert fields[hid]["field_versions"] == server["field_versions"]

    run_state_machine_as_test(
        Laptops,
        settings=settings(
            max_examples=6 if on_postgres else 15,
            stateful_step_count=15,
            deadline=None,
            derandomize=True,
            # No shrinking: each step talks to a real server, and shrinking a failure can take
            # many minutes; the failing steps are printed as they are.
            phases=[Phase.explicit, Phase.reuse, Phase.generate],
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )


def admin_household(session: Any, household_id: str) -> dict[str, Any]:
    """The server's current wire form of a household."""
    from sync.server import syncing

    wire = syncing.load_household_wire(session, household_id)
    assert wire is not None
    return wire
