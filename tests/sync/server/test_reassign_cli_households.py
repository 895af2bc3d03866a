"""``fieldapp-server reassign --household``: every household named moves, however spelled."""

from __future__ import annotations

import json

import pytest

from sync.server.models import Assignment
from tests.helpers.world import build_world
from tests.sync.server.test_district_cli import run


@pytest.mark.parametrize("spelling", ["repeated", "listed"])
def test_every_household_named_moves(live, capsys, monkeypatch, spelling) -> None:
    world = build_world(live, n_extra=1)
    moving = [world.hh[0], world.hh[1], world.hh[4]]  # all three are vol1's
    if spelling == "repeated":
        named = [arg for hid in moving for arg in ("--household", hid)]
    else:
        named = ["--household", *moving]
    status, out, err = run(
        capsys, monkeypatch, "--database-url", live.database_url, "reassign", *named,
        "--to", "vol2", "--programme", "welfare_check", "--reason", "담당 조정", "--json",
    )  # fmt: skip
    assert status == 0, err
    assert sorted(m["household_id"] for m in json.loads(out)["moved"]) == sorted(moving)
    with live.session() as s:
        owners = {hid: s.get(Assignment, (hid, "welfare_check")).username for hid in moving}
    assert owners == dict.fromkeys(moving, "vol2")
