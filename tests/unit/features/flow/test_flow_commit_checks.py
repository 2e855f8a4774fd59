"""Commit checks of zones and policies, in Junos form: what nos cannot evaluate is refused politely,
names must resolve where the policy reads them, and a policy needs its match criteria and an action."""

from __future__ import annotations

from featurelab import commit_set

ZONES = "set security zones security-zone trust\nset security zones security-zone untrust\n"
P = "set security policies from-zone trust to-zone untrust policy p"
GOOD = f"{P} match source-address any\n{P} match destination-address any\n{P} match application any\n{P} then permit\n"


def test_a_dns_name_address_is_refused_politely(srx):
    lines = commit_set(srx(""), "set security address-book global address www dns-name www.example.com\n", ok=False)
    assert lines[:3] == [
        "[edit security address-book global address www]",
        "  'dns-name www.example.com'",
        "    dns-name addresses are not supported: nos does not resolve 'www.example.com'; use an ip-prefix",
    ]


def test_zone_books_beside_global_books_are_refused(srx):
    lines = commit_set(
        srx(""),
        "set security address-book global address a 10.0.0.0/8\n"
        "set security zones security-zone trust address-book address b 10.1.0.0/16\n",
        ok=False,
    )
    assert lines[:2] == [
        "[edit security zones security-zone trust]",
        "    Zone specific address books are not allowed when there are global address books defined",
    ]


def test_an_address_of_another_zones_book_is_refused(srx):
    text = (
        ZONES
        + "set security zones security-zone untrust address-book address far 192.0.2.0/24\n"
        + GOOD.replace("source-address any", "source-address far")
    )
    lines = commit_set(srx(""), text, ok=False)
    assert lines[:3] == [
        "[edit security policies from-zone trust to-zone untrust policy p match]",
        "  'source-address far'",
        "    Policy 'p' source address 'far' is not in the address book of zone 'trust'",
    ]


def test_undefined_names_are_the_reference_checks(srx):
    lines = commit_set(srx(""), ZONES + GOOD.replace("application any", "application nope"), ok=False)
    assert "    Referenced application 'nope' is not defined" in lines
    lines = commit_set(srx(""), ZONES + GOOD.replace("to-zone untrust", "to-zone dmz"), ok=False)
    assert "    Referenced security-zone 'dmz' is not defined" in lines


def test_a_policy_needs_its_match_and_an_action(srx):
    lines = commit_set(srx(""), ZONES + f"{P} match source-address any\n", ok=False)
    assert lines == [
        "[edit security policies from-zone trust to-zone untrust policy p]",
        "  'match'",
        "    Missing mandatory statement: 'destination-address'",
        "[edit security policies from-zone trust to-zone untrust policy p]",
        "  'match'",
        "    Missing mandatory statement: 'application'",
        "[edit security policies from-zone trust to-zone untrust]",
        "  'policy p'",
        "    Missing mandatory statement: 'then'",
        "error: commit failed: (missing mandatory statements)",
    ]


def test_what_nos_cannot_evaluate_is_refused(srx):
    lines = commit_set(srx(""), ZONES + GOOD + f"{P} match dynamic-application junos:FACEBOOK\n", ok=False)
    assert "    dynamic-application is not supported by nos (no application identification)" in lines
    assert commit_set(srx(""), ZONES + GOOD + f"{P} match dynamic-application any\n") == ["commit complete"]
    lines = commit_set(srx(""), ZONES + GOOD + f"{P} scheduler-name office-hours\n", ok=False)
    assert "    scheduler-name is not supported by nos (policies are always active)" in lines


def test_address_sets_stay_in_their_book_and_do_not_loop(srx):
    lines = commit_set(
        srx(""),
        "set security address-book global address-set loop address-set loop2\n"
        "set security address-book global address-set loop2 address-set loop\n"
        "set security address-book other address x 10.0.0.0/8\n"
        "set security address-book global address-set s address x\n",
        ok=False,
    )
    assert "    address-set refers to itself" in lines
    assert "    Address 'x' is not defined in address book 'global'" in lines


def test_a_good_configuration_commits(srx):
    device = srx(ZONES + GOOD)
    assert device.security.config.errors == ()
    assert [p.name for p in device.security.config.policies.all()] == ["p"]
