"""Golden tests of `show security zones`, `show security policies [detail|global|hit-count]` and
`show security match-policies`.

Capture tests: a device is configured as the vSRX 24.4 device of each capture in
shared/reference/junos-output (show_security_zones__, show_security_policies__,
show_security_policies_detail__, show_security_policies_global__,
show_security_policies_hit_count__vsrx_24.4.txt) must have been, down to the zone IDs and policy
indexes (handed out in an earlier commit whose extra zones and policies a later one deletes, as
Junos keeps them) and the hit counts; its output is the capture, line for line.

Pinned transcripts: text and `| display xml` of every command on one richer configuration
(data/flow_*.golden, checked by eye against the captures and the element names in
nos/features/flow/show_*.py); run with NOS_UPDATE_GOLDEN=1 to rewrite them after a deliberate
change, and read the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from transcripts import Transcript, assert_golden, file_stem

from nos.config.load import parse_set
from nos.features import install
from nos.features.flow.policies import PolicyMatch
from nos.lab.packet import ipv4_int as ip
from nos.runtime.clock import ManualScheduler
from nos.runtime.device import Device

CAPTURES = Path(__file__).resolve().parents[3] / "shared" / "reference" / "junos-output"


def commit(device: Device, text: str) -> None:
    tree = device.db.new_candidate()
    report = parse_set(tree, text)
    assert not report.messages, report.messages
    result = device.db.commit(tree, "lab")
    assert result.ok, result.lines


@pytest.fixture
def new_device(schema, tmp_path):  # type: ignore[no-untyped-def]
    def make(*commits: str) -> Device:
        device = Device(schema, ManualScheduler(), hostname="vsrx", state_dir=tmp_path / "state")
        install(device)
        for text in commits:
            commit(device, text)
        return device

    return make


def capture(name: str) -> list[str]:
    """A capture's lines, without its `# source/note` header."""
    if not (CAPTURES / name).exists():
        pytest.skip(f"reference capture {name} not here (../shared beside the checkout)")
    lines = (CAPTURES / name).read_text(encoding="utf-8").splitlines()
    return [line for line in lines if not line.startswith("# ")]


def output(device: Device, command: str) -> list[str]:
    lines = Transcript(device).run(command).splitlines()
    start = next(i for i, line in enumerate(lines) if line.endswith(f"> {command}"))
    return lines[start + 1 :]  # what follows the prompt and the command


def policy(context: str, name: str, src: str = "any", dst: str = "any", app: str = "any", *then: str) -> str:
    base = f"set security policies {context} policy {name}"
    lines = [f"{base} match source-address {src}", f"{base} match destination-address {dst}"]
    lines += [f"{base} match application {app}"] + [f"{base} then {t}" for t in then or ("permit",)]
    return "".join(line + "\n" for line in lines)


def zones(*names: str) -> str:
    return "".join(f"set security zones security-zone {n}\n" for n in names)


def deletions(lines: str) -> str:
    """`delete` lines for the policies (or zones) that `set` lines created."""
    out = []
    for line in lines.splitlines():
        words = line.split()
        stop = words.index("policy") + 2 if words[2] == "policies" else 5  # the policy, or the zone
        target = "delete " + " ".join(words[1:stop])
        if target not in out:
            out.append(target)
    return "".join(t + "\n" for t in out)


# -- the captures --------------------------------------------------------------------------------------


def test_show_security_zones_is_the_capture(new_device):
    st0 = "".join(f"set interfaces st0 unit {u} family inet\n" for u in (2, 3, 4, 5))
    hub = "".join(f"set security zones security-zone ATH-SAAB-VPN-HUB interfaces st0.{u}\n" for u in (2, 3, 4, 5))
    spare = zones("trust") + zones(*(f"z{i}" for i in range(9, 24)))
    first = st0 + zones("trust", "untrust") + zones(*(f"z{i}" for i in range(9, 24))) + hub
    first += "set security zones security-zone untrust screen untrust-screen\n"
    device = new_device(first, deletions(spare))
    assert output(device, "show security zones") == capture("show_security_zones__vsrx_24.4.txt")


def test_show_security_policies_is_the_capture(new_device):
    spare = policy("from-zone trust to-zone trust", "old-3") + policy("from-zone guest to-zone lan", "old-6")
    spare += policy("from-zone guest to-zone lan", "old-7")
    first = zones("trust", "guest", "lan") + "set security address-book global address airgroup-devices 10.0.50.0/24\n"
    first += policy("from-zone trust to-zone trust", "old-3")
    first += policy("from-zone trust to-zone trust", "default-permit")
    first += policy("from-zone trust to-zone trust", "default-deny", "any", "any", "any", "reject", "log session-init")
    first += policy("from-zone guest to-zone lan", "old-6") + policy("from-zone guest to-zone lan", "old-7")
    first += policy(
        "from-zone guest to-zone lan", "allow-airgroup", "any", "airgroup-devices", "any", "permit", "log session-close"
    )
    device = new_device(first, deletions(spare))
    assert output(device, "show security policies") == capture("show_security_policies__vsrx_24.4.txt")


def test_show_security_policies_detail_is_the_capture(new_device):
    spare = "".join(policy("from-zone lan to-zone lan", f"old-{i}") for i in range(3, 23))
    first = zones("lan", "Internet-ATT") + spare
    first += "set security address-book global address host_control4_core5_adu 172.16.1.38/32\n"
    first += "set security address-book global address host_control4_ca10 172.16.1.10/32\n"
    first += "set security address-book global address-set control4 address host_control4_core5_adu\n"
    first += "set security address-book global address-set control4 address host_control4_ca10\n"
    first += policy(
        "from-zone lan to-zone Internet-ATT", "log-control4", "control4", "any", "any",
        "permit", "log session-init", "log session-close",
    )  # fmt: skip
    device = new_device(first, deletions(spare))
    command = "show security policies detail from-zone lan to-zone Internet-ATT"
    assert output(device, command) == capture("show_security_policies_detail__vsrx_24.4.txt")


def test_show_security_policies_global_is_the_capture(new_device):
    spare = "".join(policy("from-zone a to-zone a", f"old-{i}") for i in range(3, 524))
    first = zones("a") + spare
    first += policy("global", "icmpv6-allow", "any-ipv6", "any-ipv6", "junos-icmp6-all")
    first += policy("global", "default-log-deny", "any", "any", "any", "deny", "log session-init")
    device = new_device(first, deletions(spare))
    assert output(device, "show security policies global") == capture("show_security_policies_global__vsrx_24.4.txt")


def test_show_security_policies_hit_count_is_the_capture(new_device):
    spare = policy("from-zone trust to-zone trust", "old-4")
    first = zones("dmz", "trust") + policy("from-zone junos-host to-zone dmz", "allow-junos-host-to-dmz") + spare
    first += policy("global", "icmpv6-allow", "any-ipv6", "any-ipv6", "junos-icmp6-all")
    first += policy("global", "default-log-deny", "any", "any", "any", "deny", "log session-init")
    device = new_device(first, deletions(spare))
    feature, config = device.security, device.security.config
    feature.hit(config.match("junos-host", "dmz", ip("10.0.0.1"), ip("10.0.9.9"), 6, 1025, 22), times=18939)
    icmpv6 = config.policy(("junos-global", "junos-global", "icmpv6-allow"))
    assert icmpv6 is not None  # (an IPv6 flow's match: the packet path of nos is IPv4)
    feature.hit(PolicyMatch(icmpv6.name, "permit", icmpv6.index, (icmpv6.from_zone, icmpv6.to_zone), None, 60), 934734)
    feature.hit(config.match("trust", "dmz", ip("10.0.0.1"), ip("10.0.9.9"), 17, 1025, 53), times=299946)
    assert output(device, "show security policies hit-count") == capture(
        "show_security_policies_hit_count__vsrx_24.4.txt"
    )


# -- pinned transcripts ---------------------------------------------------------------------------------

CONFIG = """\
set interfaces ge-0/0/0 unit 0 family inet address 10.0.1.1/24
set interfaces ge-0/0/1 unit 0 family inet address 198.51.100.1/30
set interfaces ge-0/0/2 unit 0 family inet address 203.0.113.1/30
set interfaces ge-0/0/3 unit 0 family inet address 10.0.2.1/24
set interfaces fxp0 unit 0 family inet address 192.168.0.10/24
set security zones functional-zone management interfaces fxp0.0 host-inbound-traffic system-services all
set security zones security-zone trust description "LAN: Debian1 and HostC"
set security zones security-zone trust tcp-rst
set security zones security-zone trust interfaces ge-0/0/0.0
set security zones security-zone trust host-inbound-traffic system-services all
set security zones security-zone trust host-inbound-traffic protocols all
set security zones security-zone untrust screen untrust-screen
set security zones security-zone untrust interfaces ge-0/0/1.0 host-inbound-traffic system-services ping
set security zones security-zone untrust interfaces ge-0/0/2.0 host-inbound-traffic system-services ping
set security zones security-zone dmz interfaces ge-0/0/3.0
set security address-book global address debian1 10.0.1.10/32
set security address-book global address hostc 10.0.1.11/32
set security address-book global address lan 10.0.1.0/24
set security address-book global address web-server 10.0.2.20/32
set security address-book global address vendors range-address 192.0.2.10 to 192.0.2.19
set security address-book global address-set clients address debian1
set security address-book global address-set clients address hostc
set applications application tcp-8080 protocol tcp destination-port 8080 inactivity-timeout 600
set applications application-set web application junos-http
set applications application-set web application junos-https
set applications application-set web application tcp-8080
set security policies from-zone trust to-zone untrust policy clients-out match source-address clients
set security policies from-zone trust to-zone untrust policy clients-out match destination-address any
set security policies from-zone trust to-zone untrust policy clients-out match application any
set security policies from-zone trust to-zone untrust policy clients-out then permit
set security policies from-zone trust to-zone untrust policy clients-out then log session-init
set security policies from-zone trust to-zone untrust policy clients-out then log session-close
set security policies from-zone trust to-zone untrust policy clients-out then count
set security policies from-zone trust to-zone untrust policy no-telnet match source-address lan
set security policies from-zone trust to-zone untrust policy no-telnet match destination-address any
set security policies from-zone trust to-zone untrust policy no-telnet match application junos-telnet
set security policies from-zone trust to-zone untrust policy no-telnet then reject
set security policies from-zone untrust to-zone dmz policy web-in match source-address any
set security policies from-zone untrust to-zone dmz policy web-in match destination-address web-server
set security policies from-zone untrust to-zone dmz policy web-in match application web
set security policies from-zone untrust to-zone dmz policy web-in then permit
set security policies from-zone untrust to-zone dmz policy vendors-ssh match source-address vendors
set security policies from-zone untrust to-zone dmz policy vendors-ssh match destination-address web-server
set security policies from-zone untrust to-zone dmz policy vendors-ssh match application junos-ssh
set security policies from-zone untrust to-zone dmz policy vendors-ssh then permit tcp-options syn-check-required
set security policies global policy ping-any match source-address any
set security policies global policy ping-any match destination-address any
set security policies global policy ping-any match application junos-icmp-ping
set security policies global policy ping-any match from-zone [ trust dmz ]
set security policies global policy ping-any then permit
"""

COMMANDS = [
    "show security zones",
    "show security zones trust",
    "show security zones terse",
    "show security zones | display xml",
    "show security policies",
    "show security policies detail",
    "show security policies from-zone untrust to-zone dmz policy-name web-in detail",
    "show security policies global",
    "show security policies | display xml",
    "show security policies from-zone untrust to-zone dmz detail | display xml",
    "show security policies hit-count",
    "show security policies hit-count | display xml",
    "show security match-policies from-zone trust to-zone untrust source-ip 10.0.1.10 destination-ip 8.8.8.8 "
    "source-port 40000 destination-port 23 protocol tcp result-count 2",
    "show security match-policies from-zone untrust to-zone dmz source-ip 192.0.2.15 destination-ip 10.0.2.20 "
    "source-port 40000 destination-port 8080 protocol tcp",
    "show security match-policies from-zone untrust to-zone trust source-ip 8.8.8.8 destination-ip 10.0.1.10 "
    "source-port 40000 destination-port 22 protocol tcp | display xml",
]

# Flows the packet path would have looked up: (from, to, src, dst, protocol, sport, dport, icmp type, times)
FLOWS = [
    ("trust", "untrust", "10.0.1.10", "8.8.8.8", 17, 40000, 53, None, 12),
    ("trust", "untrust", "10.0.1.12", "8.8.8.8", 6, 40001, 23, None, 2),
    ("untrust", "dmz", "198.51.100.7", "10.0.2.20", 6, 40002, 443, None, 7),
    ("dmz", "untrust", "10.0.2.20", "8.8.8.8", 1, 7, 0, 8, 3),
    ("untrust", "trust", "8.8.8.8", "10.0.1.10", 6, 40003, 22, None, 40),
]


@pytest.fixture(scope="module")
def flow_cli(schema, tmp_path_factory) -> Transcript:  # type: ignore[no-untyped-def]
    device = Device(schema, ManualScheduler(), hostname="srx1", state_dir=tmp_path_factory.mktemp("golden-flow"))
    install(device)
    commit(device, CONFIG)
    feature = device.security
    for source, destination, src, dst, protocol, sport, dport, icmp_type, times in FLOWS:
        found = feature.config.match(source, destination, ip(src), ip(dst), protocol, sport, dport, icmp_type)
        feature.hit(found, times)
    return Transcript(device)


def golden_name(command: str) -> str:
    return "flow_" + file_stem(command)[:120] + ".golden"


@pytest.mark.parametrize("command", COMMANDS)
def test_golden(flow_cli, command):
    assert_golden(flow_cli.run(command), golden_name(command))


def test_every_flow_golden_file_has_a_command():
    from transcripts import DATA

    assert {p.name for p in DATA.glob("flow_*")} == {golden_name(c) for c in COMMANDS}
