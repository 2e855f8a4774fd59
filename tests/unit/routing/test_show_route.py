"""`show route` renderers on corner cases the golden transcripts do not reach: route ages, long
prefixes, table and protocol filters, ECMP next hops and forwarding-table abbreviations."""

from __future__ import annotations

import pytest
from routinglab import route

from nos.routing.prefix import addr, prefix
from nos.routing.show import (
    RouteQuery,
    age,
    detail_age,
    show_forwarding_table,
    show_route,
    show_route_instance,
    show_route_summary,
)

CONFIG = """
set interfaces ge-0/0/0 unit 0 family inet address 192.168.10.1/24
set interfaces ge-0/0/1 unit 0 family inet address 198.51.100.2/30
set routing-options static route 0.0.0.0/0 next-hop [ 192.168.10.254 198.51.100.1 ]
set routing-options static route 172.16.0.0/12 discard
set routing-instances VR instance-type virtual-router
set routing-instances VRF2 instance-type virtual-router
"""


@pytest.mark.parametrize(
    ("seconds", "brief", "detail"),
    [
        (0, "00:00:00", "0"),
        (13, "00:00:13", "13"),
        (66, "00:01:06", "1:06"),
        (7_831, "02:10:31", "2:10:31"),
        (86_400 * 6 + 62_581, "6d 17:23:01", "6d 17:23:01"),
        (86_400 * 24 + 11_976, "3w3d 03:19:36", "3w3d 3:19:36"),
        (86_400 * 7, "1w0d 00:00:00", "1w0d 0:00:00"),
    ],
)
def test_route_age_formats(seconds, brief, detail):
    """Ages print as `HH:MM:SS`, `Nd HH:MM:SS`, `NwNd HH:MM:SS`; detail output drops leading zeros."""
    assert age(seconds) == brief
    assert detail_age(seconds) == detail


def test_ecmp_route_lists_every_next_hop_with_the_first_selected(build):
    """A route with two next hops prints both; `>` marks the selected one, the other is indented to column 23."""
    lab = build(CONFIG)
    lines = show_route(lab.engine, 1_000.0, RouteQuery(destination=prefix("0.0.0.0/0"), match="exact"))
    assert lines[4:] == [
        "0.0.0.0/0          *[Static/5] 00:00:00",
        "                    >  to 192.168.10.254 via ge-0/0/0.0",
        "                       to 198.51.100.1 via ge-0/0/1.0",
    ]


def test_longest_ipv4_prefix_still_fits_the_prefix_column(build):
    """An 18-character prefix keeps one space before the active marker (column 19), like the dut capture."""
    lab = build(CONFIG)
    lab.engine.add(route("192.168.100.128/25", "Static", "198.51.100.1", "x"))
    lines = show_route(lab.engine, 0, RouteQuery(destination=prefix("192.168.100.128/25"), match="exact"))
    assert lines[4] == "192.168.100.128/25 *[Static/5] 00:00:00"


def test_table_option_takes_every_table_the_name_begins(build):
    """`show route table VR` lists VR.inet.0 and VRF2.inet.0 (tables whose name begins with the string)."""
    lab = build(CONFIG)
    headers = [
        line.split(":")[0] for line in show_route(lab.engine, 0, RouteQuery(table="VR")) if "destinations" in line
    ]
    assert headers == ["VR.inet.0", "VRF2.inet.0"]
    headers = [
        line.split(":")[0]
        for line in show_route(lab.engine, 0, RouteQuery(table="VR.inet.0"))
        if "destinations" in line
    ]
    assert headers == ["VR.inet.0"]


def test_empty_table_prints_its_header_only(build):
    """A table with nothing to show prints its header line without the legend (RE4 capture)."""
    lab = build(CONFIG)
    lines = show_route(lab.engine, 0, RouteQuery(protocol="static"))
    assert "VR.inet.0: 0 destinations, 0 routes (0 active, 0 holddown, 0 hidden)" in lines
    at = lines.index("VR.inet.0: 0 destinations, 0 routes (0 active, 0 holddown, 0 hidden)")
    assert lines[at + 1] == ""


def test_destination_search_skips_tables_without_it_but_keeps_other_protocols_tables(build):
    """A destination search skips tables without it; with `protocol`, a table holding it otherwise prints its header."""
    lab = build(CONFIG)
    lines = show_route(lab.engine, 0, RouteQuery(destination=prefix("192.168.10.1/32"), protocol="static"))
    assert [line for line in lines if "destinations" in line] == [
        "inet.0: 6 destinations, 6 routes (6 active, 0 holddown, 0 hidden)"
    ]
    assert lines[-1].startswith("inet.0:")  # header only: the Local route is not static
    assert show_route(lab.engine, 0, RouteQuery(destination=prefix("203.0.113.1/32"), table="VR")) == []


def test_summary_lists_protocols_in_junos_order(build):
    """`show route summary`: Router ID, then per table the protocol lines, colon at column 20."""
    lab = build(CONFIG)
    lab.engine.add(route("10.9.0.0/16", "BGP", "198.51.100.1", "b", as_path="65001"))
    lines = show_route_summary(lab.engine, None, None).text()
    assert lines[:3] == ["Router ID: 0.0.0.0", "", "Highwater Mark (All time / Time averaged watermark)"]
    assert lines[3].startswith("    RIB unique destination routes: ") and lines[7] == ""  # four marks
    lines = lines[:1] + lines[7:]
    assert lines[:3] == ["Router ID: 0.0.0.0", "", "inet.0: 7 destinations, 7 routes (7 active, 0 holddown, 0 hidden)"]
    assert lines[3:7] == [
        "              Direct:      2 routes,      2 active",
        "               Local:      2 routes,      2 active",
        "                 BGP:      1 routes,      1 active",
        "              Static:      2 routes,      2 active",
    ]


def test_route_instance_lists_master_first_then_by_name(build):
    """`show route instance`: master (type forwarding) first, then the instances in name order."""
    lab = build(CONFIG)
    names = [line.split()[0] for line in show_route_instance(lab.engine)[2::2]]
    assert names == ["master", "VR", "VRF2"]
    assert show_route_instance(lab.engine, "VRF2")[2:] == [
        "VRF2                 virtual-router",
        "         VRF2.inet.0                                     0/0/0",
    ]


def test_forwarding_table_abbreviates_and_picks_the_longest_match(build):
    """Forwarding-table rows abbreviate (`172.16/12`, `default`, hosts without /32); `destination` shows the longest match."""
    lab = build(CONFIG)
    rows = show_forwarding_table(lab.engine, "default", None)
    assert rows[0] == "Routing table: default.inet"
    assert [row.split()[0] for row in rows[3:]] == [
        "default",
        "172.16/12",
        "192.168.10/24",
        "192.168.10.1",
        "198.51.100.0/30",
        "198.51.100.2",
    ]
    only = show_forwarding_table(lab.engine, "default", addr("172.16.9.9"))
    assert only[3:] == ["172.16/12          user     0                     dscd     1001     1"]
    assert show_forwarding_table(lab.engine, "VR", addr("8.8.8.8"))[3:] == []
