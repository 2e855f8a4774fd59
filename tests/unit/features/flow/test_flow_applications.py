"""Applications: the predefined junos-* ones with their ports and timeouts, custom applications with
terms, application sets, and which application a flow is named after."""

from __future__ import annotations

from nos.features.flow.applications import PREDEFINED, port_range, protocol_number

TCP, UDP, ICMP, GRE = 6, 17, 1, 47


def test_predefined_applications_have_their_ports_and_protocol_timeouts():
    ssh = PREDEFINED["junos-ssh"]
    term = ssh.match(TCP, 40000, 22)
    assert term is not None and ssh.inactivity_timeout(term, TCP) == 1800
    assert ssh.match(TCP, 40000, 23) is None and ssh.match(UDP, 40000, 22) is None
    dns = PREDEFINED["junos-dns-udp"]
    term = dns.match(UDP, 5353, 53)
    assert term is not None and term.alg == "dns" and dns.inactivity_timeout(term, UDP) == 60
    ping = PREDEFINED["junos-icmp-ping"]
    assert ping.match(ICMP, 0, 0, icmp_type=8) is not None
    assert ping.match(ICMP, 0, 0, icmp_type=0) is None
    gre = PREDEFINED["junos-gre"]
    assert gre.inactivity_timeout(gre.terms[0], GRE) == 1800


def test_a_flow_is_named_after_the_first_application_its_ports_fit(srx):
    apps = srx("").security.config.applications
    assert apps.lookup(TCP, 22).name == "junos-ssh"
    assert apps.lookup(TCP, 443).name == "junos-https"
    assert apps.lookup(UDP, 53).name == "junos-dns-udp"
    assert apps.lookup(ICMP, 0, icmp_type=8).name == "junos-icmp-ping"
    assert apps.lookup(TCP, 31337) is None  # the catch-alls (junos-tcp-any) name no flow


def test_custom_applications_come_before_the_predefined_ones(srx):
    device = srx(
        "set applications application my-ssh protocol tcp destination-port 22 inactivity-timeout 3600\n"
        "set applications application web-alt protocol tcp destination-port 8000-8099\n"
    )
    apps = device.security.config.applications
    mine = apps.lookup(TCP, 22)
    assert mine.name == "my-ssh"
    assert mine.inactivity_timeout(mine.match(TCP, 1025, 22), TCP) == 3600
    assert apps.lookup(TCP, 8080).name == "web-alt"
    assert apps.lookup(TCP, 8100) is None


def test_terms_sets_and_never(compiled):
    config = compiled(
        "set applications application multi term a protocol udp destination-port 5000\n"
        "set applications application multi term b protocol tcp destination-port 5001 inactivity-timeout never\n"
        "set applications application multi inactivity-timeout 120\n"
        "set applications application-set inner application junos-ssh\n"
        "set applications application-set outer application multi\n"
        "set applications application-set outer application-set inner\n"
    )
    apps = config.applications
    multi = apps.get("multi")
    udp, tcp = multi.match(UDP, 1, 5000), multi.match(TCP, 1, 5001)
    assert udp is not None and tcp is not None and multi.match(TCP, 1, 5000) is None
    assert multi.inactivity_timeout(udp, UDP) == 120  # the application's, the term has none
    assert multi.inactivity_timeout(tcp, TCP) is None  # never
    assert [a.name for a in apps.resolve("outer")] == ["multi", "junos-ssh"]
    assert apps.matches_name("outer", "tcp", 1234, 22) is True
    assert apps.matches_name("outer", "tcp", 1234, 80) is False
    assert apps.matches_name("nothing", "tcp", 1234, 80) is None


def test_ports_and_protocols_read_as_names_or_numbers():
    assert port_range("http") == (80, 80)
    assert port_range("1024-65535") == (1024, 65535)
    assert port_range("ssh-telnet") == (22, 23)
    assert port_range("9-8") is None and port_range("x") is None
    assert protocol_number("tcp") == 6 and protocol_number("50") == 50 and protocol_number("tcpx") is None


def test_bad_custom_values_are_commit_errors(compiled):
    config = compiled(
        "set applications application a protocol bogus\n"
        "set applications application b protocol tcp destination-port 70000\n"
        "set applications application c protocol tcp inactivity-timeout 2\n"
    )
    assert [(e.path, e.statement) for e in config.errors] == [
        (["applications", "application", "a"], "protocol bogus"),
        (["applications", "application", "b"], "destination-port 70000"),
        (["applications", "application", "c"], "inactivity-timeout 2"),
    ]
