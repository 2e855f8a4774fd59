"""The device of the golden transcripts: tests/golden/data/srx.conf on a manual clock, cabled like a lab box.

Timeline (virtual clock, from 2026-01-01 00:00:00 UTC):
  0           boot with srx.conf; ge-0/0/0..2 cabled and up, ge-0/0/3 (DMZ) without a cable;
  1d 02:01:00 commit of one more static route (so two route ages show);
  1d 02:03:04 the transcripts are taken.
"""

from __future__ import annotations

import pytest
from transcripts import DATA, Transcript

from nos.config.load import parse_set
from nos.features import install
from nos.runtime.clock import ManualScheduler
from nos.runtime.device import Device

UPTIME = 93_784  # 1d 02:03:04
LATE_COMMIT = 93_660  # 2 minutes 4 seconds before


@pytest.fixture(scope="module")
def srx_cli(schema, tmp_path_factory) -> Transcript:  # type: ignore[no-untyped-def]
    """A CLI on srx1, at the end of the timeline above."""
    clock = ManualScheduler()
    config = (DATA / "srx.conf").read_text(encoding="utf-8")
    device = Device(schema, clock, hostname="srx1", state_dir=tmp_path_factory.mktemp("golden"), initial_config=config)
    install(device)
    for port in ("ge-0/0/0", "ge-0/0/1", "ge-0/0/2"):
        device.dataplane.set_link(port, True)
    clock.advance(LATE_COMMIT)
    tree = device.db.new_candidate()
    report = parse_set(tree, "set routing-options static route 192.168.30.0/24 next-hop 192.168.10.254\n")
    assert not report.messages
    assert device.db.commit(tree, "lab").ok
    clock.advance(UPTIME - LATE_COMMIT)
    return Transcript(device)
