"""Policy matching: order within a zone pair, then global policies, then the default policy; address
books (global, attached, a zone's own), sets, ranges, wildcards and exclusion; applications and the
timeout a session gets; self-traffic; indexes kept across commits."""

from __future__ import annotations

from nos.lab.packet import ipv4_int as ip

TCP, UDP, ICMP = 6, 17, 1

BASE = """\
set security zones security-zone trust
set security zones security-zone untrust
set security zones security-zone dmz
set security address-book global address lan 10.0.1.0/24
set security address-book global address pc 10.0.1.10/32
set security address-book global address web 203.0.113.10/32
set security address-book global address-set servers address web
"""


def policy(context: str, name: str, src: str, dst: str, app: str, action: str) -> str:
    base = f"set security policies {context} policy {name}"
    return (
        f"{base} match source-address {src}\n{base} match destination-address {dst}\n"
        f"{base} match application {app}\n{base} then {action}\n"
    )


TRUST_UNTRUST = "from-zone trust to-zone untrust"


def test_the_first_matching_policy_of_the_zone_pair_decides(compiled):
    config = compiled(
        BASE
        + policy(TRUST_UNTRUST, "block-pc", "pc", "any", "any", "deny")
        + policy(TRUST_UNTRUST, "web", "lan", "servers", "[ junos-http junos-https ]", "permit")
        + policy(TRUST_UNTRUST, "rest", "any", "any", "any", "reject")
    )
    pc, other = ip("10.0.1.10"), ip("10.0.1.20")
    first = config.match("trust", "untrust", pc, ip("203.0.113.10"), TCP, 40000, 443)
    assert (first.policy, first.action, first.index) == ("block-pc", "deny", 3)
    web = config.match("trust", "untrust", other, ip("203.0.113.10"), TCP, 40000, 443)
    assert (web.policy, web.action, web.application, web.timeout) == ("web", "permit", "junos-https", 1800)
    assert web.context == ("trust", "untrust") and web.key == ("trust", "untrust", "web")
    ssh = config.match("trust", "untrust", other, ip("203.0.113.10"), TCP, 40000, 22)
    assert (ssh.policy, ssh.action, ssh.application) == ("rest", "reject", "junos-ssh")


def test_zone_pair_policies_then_global_then_the_default(compiled):
    text = (
        BASE
        + policy(TRUST_UNTRUST, "web", "lan", "servers", "junos-http", "permit")
        + policy("global", "icmp", "any", "any", "junos-icmp-all", "permit")
        + "set security policies global policy dmz-only match from-zone dmz\n"
        + policy("global", "dmz-only", "any", "any", "any", "permit")
    )
    config = compiled(text)
    ping = config.match("trust", "untrust", ip("10.0.1.20"), ip("8.8.8.8"), ICMP, 7, 0, icmp_type=8)
    assert (ping.policy, ping.context, ping.application, ping.timeout) == (
        "icmp", ("junos-global", "junos-global"), "junos-icmp-all", 60
    )  # fmt: skip
    dns = config.match("trust", "untrust", ip("10.0.1.20"), ip("8.8.8.8"), UDP, 5000, 53)
    assert (dns.policy, dns.action, dns.index, dns.name) == (None, "deny", 2, "default-policy-logical-system-00")
    assert (dns.application, dns.timeout) == ("junos-dns-udp", 60)
    from_dmz = config.match("dmz", "untrust", ip("10.0.1.20"), ip("8.8.8.8"), UDP, 5000, 53)
    assert from_dmz.policy == "dmz-only"
    permitted = compiled(text + "set security policies default-policy permit-all\n")
    assert permitted.match("trust", "untrust", ip("10.0.1.20"), ip("8.8.8.8"), UDP, 5000, 53).action == "permit"


def test_intra_zone_traffic_needs_a_policy_too(compiled):
    config = compiled(BASE)
    assert config.match("trust", "trust", ip("10.0.1.10"), ip("10.0.1.20"), TCP, 1, 22).action == "deny"


def test_traffic_of_the_device_itself_is_let_through_unless_a_policy_says_otherwise(compiled):
    config = compiled(
        BASE + policy("from-zone untrust to-zone junos-host", "no-ssh", "any", "any", "junos-ssh", "deny")
    )
    ping = config.match("untrust", "junos-host", ip("198.51.100.2"), ip("198.51.100.1"), ICMP, 1, 0, icmp_type=8)
    assert (ping.action, ping.policy, ping.name, ping.index, ping.self_traffic) == (
        "permit", None, "self-traffic-policy", 1, True
    )  # fmt: skip
    ssh = config.match("untrust", "junos-host", ip("198.51.100.2"), ip("198.51.100.1"), TCP, 1, 22)
    assert (ssh.action, ssh.policy) == ("deny", "no-ssh")


def test_ranges_wildcards_sets_and_excluded_addresses(compiled):
    config = compiled(
        BASE
        + "set security address-book global address low range-address 10.0.2.1 to 10.0.2.9\n"
        + "set security address-book global address odd wildcard-address 10.0.0.1/255.255.0.255\n"
        + "set security address-book global address-set both address low\n"
        + "set security address-book global address-set both address odd\n"
        + "set security address-book global address-set nested address-set both\n"
        + policy(TRUST_UNTRUST, "sets", "nested", "any", "any", "permit")
        + f"set security policies {TRUST_UNTRUST} policy not-lan match source-address-excluded\n"
        + policy(TRUST_UNTRUST, "not-lan", "lan", "any", "any", "reject")
    )

    def decided(src: str) -> str | None:
        return config.match("trust", "untrust", ip(src), ip("8.8.8.8"), TCP, 1, 80).policy

    assert decided("10.0.2.5") == "sets" and decided("10.0.2.10") == "not-lan"
    assert decided("10.0.77.1") == "sets"  # the wildcard: 10.0.x.1
    assert decided("10.0.1.7") is None  # lan, excluded from not-lan: the default policy
    assert decided("192.0.2.1") == "not-lan"


def test_a_zones_own_book_and_attached_books(compiled):
    own = compiled(
        "set security zones security-zone trust address-book address pc 10.0.1.10/32\n"
        "set security zones security-zone untrust\n" + policy(TRUST_UNTRUST, "pc", "pc", "any", "any", "permit")
    )
    assert not own.errors
    assert own.match("trust", "untrust", ip("10.0.1.10"), ip("1.1.1.1"), TCP, 1, 80).policy == "pc"
    attached = compiled(
        "set security zones security-zone trust\nset security zones security-zone untrust\n"
        "set security address-book lan-book address pc 10.0.1.10/32\n"
        "set security address-book lan-book attach zone trust\n"
        + policy(TRUST_UNTRUST, "pc", "pc", "any", "any", "permit")
    )
    assert not attached.errors
    assert attached.match("trust", "untrust", ip("10.0.1.10"), ip("1.1.1.1"), TCP, 1, 80).policy == "pc"


def test_custom_application_timeouts_reach_the_match(compiled):
    config = compiled(
        BASE
        + "set applications application long-ssh protocol tcp destination-port 22 inactivity-timeout 7200\n"
        + "set applications application forever protocol udp destination-port 4000 inactivity-timeout never\n"
        + policy(TRUST_UNTRUST, "ssh", "any", "any", "[ long-ssh forever ]", "permit")
    )
    ssh = config.match("trust", "untrust", ip("10.0.1.10"), ip("1.1.1.1"), TCP, 50000, 22)
    assert (ssh.application, ssh.timeout) == ("long-ssh", 7200)
    udp = config.match("trust", "untrust", ip("10.0.1.10"), ip("1.1.1.1"), UDP, 50000, 4000)
    assert (udp.application, udp.timeout) == ("forever", None)
    assert config.match("trust", "untrust", ip("10.0.1.10"), ip("1.1.1.1"), TCP, 50000, 23).policy is None


def test_count_and_log_flags(compiled):
    name = f"set security policies {TRUST_UNTRUST} policy p"
    config = compiled(
        BASE + policy(TRUST_UNTRUST, "p", "any", "any", "any", "permit") + f"{name} then count\n"
        f"{name} then log session-init\n{name} then log session-close\n"
    )
    found = config.match("trust", "untrust", 1, 2, TCP, 1, 2)
    assert (found.count, found.log_init, found.log_close) == (True, True, True)


def test_indexes_are_kept_across_commits_and_not_reused(compiled):
    first = compiled(
        BASE
        + policy(TRUST_UNTRUST, "a", "any", "any", "any", "permit")
        + policy(TRUST_UNTRUST, "b", "any", "any", "any", "permit")
    )
    assert [p.index for p in first.policies.all()] == [3, 4]
    second = compiled(
        BASE
        + policy(TRUST_UNTRUST, "c", "any", "any", "any", "permit")
        + policy(TRUST_UNTRUST, "b", "any", "any", "any", "permit"),
        previous=first,
    )
    assert [(p.name, p.index, p.sequence) for p in second.policies.all()] == [("c", 5, 1), ("b", 4, 2)]


def test_order_follows_insert(srx, cli_on):
    device = srx(
        BASE
        + policy(TRUST_UNTRUST, "web", "lan", "servers", "junos-http", "permit")
        + policy(TRUST_UNTRUST, "deny-pc", "pc", "any", "any", "deny")
    )
    flow = ("trust", "untrust", ip("10.0.1.10"), ip("203.0.113.10"), TCP, 1, 80)
    assert device.security.config.match(*flow).policy == "web"
    cli = cli_on(device)
    cli.run(
        "configure",
        f"insert security policies {TRUST_UNTRUST} policy deny-pc before policy web",
        "commit and-quit",
    )
    assert device.security.config.match(*flow).policy == "deny-pc"


def test_hit_counts_follow_policies_across_commits(srx, recommit):
    device = srx(
        BASE
        + policy(TRUST_UNTRUST, "a", "any", "servers", "any", "permit")
        + policy(TRUST_UNTRUST, "b", "any", "any", "any", "permit")
    )
    feature = device.security
    for dst in ("203.0.113.10", "203.0.113.10", "8.8.8.8"):
        feature.hit(feature.config.match("trust", "untrust", ip("10.0.1.1"), ip(dst), TCP, 1, 80))
    feature.hit(feature.config.match("untrust", "trust", 1, 2, TCP, 1, 80), times=5)  # the default policy
    assert feature.hit_count(("trust", "untrust", "a")) == 2 and feature.hit_count(("trust", "untrust", "b")) == 1
    assert feature.hit_count(None) == 5
    recommit(device, f"delete security policies {TRUST_UNTRUST} policy b\nset system host-name x\n")
    assert feature.hit_count(("trust", "untrust", "a")) == 2 and feature.hit_count(("trust", "untrust", "b")) == 0
    feature.clear_hits("trust", "untrust")
    assert feature.hit_count(("trust", "untrust", "a")) == 0 and feature.hit_count(None) == 5
    feature.clear_hits()
    assert feature.hit_count(None) == 0


def test_a_commit_elsewhere_compiles_nothing(srx, recommit):
    device = srx(BASE + policy(TRUST_UNTRUST, "a", "any", "any", "any", "permit"))
    before = device.security.config
    recommit(device, "set system host-name edge1\nset security flow tcp-session no-syn-check\n")
    assert device.security.config is before


def test_what_nat_asks_of_the_address_book_and_applications(srx):
    device = srx(
        BASE + "set security address-book global address six 2001:db8::/32\n"
        "set security address-book global address odd wildcard-address 10.0.0.1/255.0.255.255\n"
    )
    config = device.security.config
    assert config.global_address_ranges("lan") == ((ip("10.0.1.0"), ip("10.0.1.255")),)
    assert config.global_address_ranges("servers") == ((ip("203.0.113.10"), ip("203.0.113.10")),)
    assert config.global_address_ranges("any") == ((0, 0xFFFFFFFF),)
    assert config.global_address_ranges("six") == ()  # no IPv4 address
    assert config.global_address_ranges("odd") is None and config.global_address_ranges("nope") is None
    assert config.applications.matches_name("junos-http", "tcp", 1025, 80) is True
    tree = device.db.active_expanded
    assert device.security.config_for(tree) is config  # the applied tree: no compile
