"""BGP's show commands (nos/features/bgp/show.py): the Last Up/Dwn durations, the prefix counts of
`show bgp summary` and `show bgp neighbor` (a packed feed counted without Route objects), the
destination filter of receive-protocol / advertising-protocol, and the commands' argument errors."""

from __future__ import annotations

import gc
import ipaddress

import pytest
from featurelab import ManualLab, lab_file

from nos.features.bgp.labpeer import Announcement, LabPeer
from nos.features.bgp.messages import Attrs, key_of
from nos.features.bgp.show import _matching, active_paths, bgp_summary, duration
from nos.routing.prefix import prefix
from nos.routing.route import Route

R1 = """\
set system host-name R1
set system root-authentication encrypted-password "$6$lab$x"
set interfaces ge-0/0/0 unit 0 family inet address 198.51.100.1/30
set routing-options autonomous-system 65000
set protocols bgp group isp type external
set protocols bgp group isp peer-as 65001
set protocols bgp group isp neighbor 198.51.100.2
"""
ISP = int(ipaddress.IPv4Address("198.51.100.2"))
FEED = 20_000


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0"),
        (9, "9"),
        (59.9, "59"),
        (60, "1:00"),
        (3073, "51:13"),
        (3599, "59:59"),
        (3600, "1:00:00"),
        (8918, "2:28:38"),
        (73246, "20:20:46"),
        (86400, "1d 0:00:00"),
        (93784, "1d 2:03:04"),
        (7 * 86400, "1w0d 0:00:00"),
        (9 * 86400 + 5 * 3600 + 31 * 60 + 33, "1w2d 5:31:33"),
        (208 * 86400 + 22 * 3600 + 42 * 60 + 36, "29w5d 22:42:36"),
        (-5, "0"),
    ],
)
def test_duration(seconds, text):
    """As the captures print Last Up/Dwn: no leading zeros, hours unpadded, weeks and days before."""
    assert duration(seconds) == text


def test_matching_selects_as_show_route_does():
    held = {key_of(prefix(p)): Attrs(1) for p in ("10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24", "10.1.2.0/25")}
    keys = lambda *ps: [key_of(prefix(p)) for p in ps]  # noqa: E731
    assert _matching(held, prefix("10.1.2.3"), "default") == keys("10.1.2.0/25")
    assert _matching(held, prefix("10.1.2.200"), "default") == keys("10.1.2.0/24")
    assert _matching(held, prefix("11.0.0.1"), "default") == []
    assert _matching(held, prefix("10.1.0.0/16"), "default") == keys("10.1.0.0/16", "10.1.2.0/24", "10.1.2.0/25")
    assert _matching(held, prefix("10.1.0.0/16"), "orlonger") == keys("10.1.0.0/16", "10.1.2.0/24", "10.1.2.0/25")
    assert _matching(held, prefix("10.1.0.0/16"), "longer") == keys("10.1.2.0/24", "10.1.2.0/25")
    assert _matching(held, prefix("10.1.2.0/24"), "exact") == keys("10.1.2.0/24")
    assert _matching(held, prefix("10.1.3.0/24"), "exact") == []
    assert _matching(held, None, "default") == sorted(held)


def _feed_lab(new_lab, *announcements: Announcement) -> ManualLab:
    isp = {"kind": "internet", "address": ["198.51.100.2/30"]}
    lab = new_lab(ManualLab, R1, lab_file("bgp-show", {"ISP": isp}, [("R1:ge-0/0/0", "ISP:eth0", 1.0)]))
    node = lab.lab.nodes["ISP"]
    node.bgp = LabPeer(
        node, lab.lab, 65001, ISP, {int(ipaddress.IPv4Address("198.51.100.1")): 65000}, list(announcements)
    )
    node.bgp.start()
    lab.until(5)
    return lab


def _feed(n: int, first: str = "16.0.0.0/24") -> range:
    start = key_of(prefix(first))
    return range(start, start + n * (256 << 6), 256 << 6)


def _routes() -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if type(o) is Route)


def test_summary_counts_a_packed_feed_without_making_routes(new_lab):
    """20,000 destinations of one neighbour, filed packed: counted from the session and one pass over
    the table, without a Route object made (a million would be unpacked otherwise)."""
    lab = _feed_lab(new_lab, Announcement(_feed(FEED), (174,)))
    before = _routes()
    lines = lab.cli("show bgp summary")
    assert _routes() == before
    assert lines[4:6] == ["inet.0", f"{FEED:>24}{FEED:>11}{0:>11}{0:>11}{0:>11}{0:>11}"]
    assert lines[-1] == f"  inet.0: {FEED}/{FEED}/{FEED}/0"
    neighbor = lab.cli("show bgp neighbor 198.51.100.2")
    assert f"    Active prefixes:              {FEED}" in neighbor
    assert f"    Received prefixes:            {FEED}" in neighbor


def test_active_counts_follow_the_table(new_lab):
    """A destination whose active route is another protocol's is not the neighbour's active path; one
    whose packed route was made a Route object (unpacked) still is."""
    lab = _feed_lab(new_lab, Announcement(_feed(100), (174,)))
    rib = lab.device.routing.tables["inet.0"]
    assert active_paths(rib) == {("master", ISP): 100}
    rib.active(prefix("16.0.7.0/24"))  # unpacks that destination's route
    assert active_paths(rib) == {("master", ISP): 100}
    lab.commit("set routing-options static route 16.0.3.0/24 discard\n")
    assert active_paths(rib) == {("master", ISP): 99}
    assert lab.cli("show bgp summary")[-1] == "  inet.0: 99/100/100/0"
    rows = lab.cli("show route receive-protocol bgp 198.51.100.2 16.0.0.0/22")
    assert [r[:14] for r in rows[3:]] == ["* 16.0.0.0/24 ", "* 16.0.1.0/24 ", "* 16.0.2.0/24 ", "  16.0.3.0/24 "]


def test_looped_paths_are_received_not_accepted(new_lab):
    """A path with our own AS is received but kept out of the table: r/a differ, Tot Paths counts the table."""
    lab = _feed_lab(new_lab, Announcement(_feed(3), (174,)), Announcement(_feed(2, "17.0.0.0/24"), (65000,)))
    lines = lab.cli("show bgp summary")
    assert lines[5].split() == ["3", "3", "0", "0", "0", "0"]
    assert lines[-1] == "  inet.0: 3/5/3/0"
    rows = lab.cli("show route receive-protocol bgp 198.51.100.2")
    assert len(rows) == 3 + 3 and all(r.startswith("* 16.") for r in rows[3:])


def test_not_established_and_not_running(new_lab, srx):
    """A neighbour that is not up shows its state, no counts; without `protocols bgp` BGP is not running."""
    lab = new_lab(ManualLab, R1, lab_file("bgp-idle", {}, []))
    lab.until(100)
    lines = lab.cli("show bgp summary")
    assert lines[2] == "Groups: 1 Peers: 1 Down peers: 1"
    assert lines[-1].split()[-2:] == ["1:40", "Active"]
    assert lab.cli("show route receive-protocol bgp 198.51.100.2") == []
    device = srx("set system host-name srx1\n")
    assert bgp_summary(device.bgp, 0.0).text() == ["BGP is not running"]


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ("show route receive-protocol bgp nonsense", "error: invalid address: nonsense"),
        ("show route receive-protocol bgp 198.51.100.2 10.0.0.0/40", "error: invalid address: 10.0.0.0/40"),
        ("show route advertising-protocol bgp 10.0.0.0/8", "error: invalid address: 10.0.0.0/8"),
        ("show route receive-protocol bgp 198.51.100.2 10.0.0.0/8 11.0.0.0/8", "error: syntax error: 11.0.0.0/8"),
    ],
)
def test_argument_errors(new_lab, line, error):
    lab = new_lab(ManualLab, R1, lab_file("bgp-args", {}, []))
    assert lab.cli(line) == [error]
