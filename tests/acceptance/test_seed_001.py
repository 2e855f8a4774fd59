"""Seed 001 (MultiNode HA pair): its SRX configurations load with `load set terminal`.

Lines that are not valid Junos get a syntax error naming their line and the
rest loads; `commit check` then reports, in Junos form, the references the
excerpt leaves undefined, and succeeds once a few lines define them.
"""

from __future__ import annotations

import pytest
from seeds import SEED_001, seed_001_device_lines

pytestmark = pytest.mark.skipif(not SEED_001.exists(), reason="../shared/seeds is not beside the checkout")

# What each node's excerpt gets wrong: (terminal line, column, offending word).
BAD_LINES = {
    "A": ["syntax error: _RTR-A", "syntax error: X.X.X.X"],
    "B": ["syntax error: lo0.1<", "syntax error: X.X.X.X"],
}

UNDEFINED = [
    ("[edit security policies from-zone EXT to-zone EXT policy IKE-ESP match]", "'source-address'",
     "Referenced address 'H10.177.177.77' is not defined"),
    ("[edit security policies from-zone EXT to-zone EXT policy IKE-ESP match]", "'destination-address'",
     "Referenced address 'H10.165.251.200' is not defined"),
    ("[edit security policies from-zone EXT to-zone EXT policy IKE-ESP match]", "'application'",
     "Referenced application 'ESP' is not defined"),
    ("[edit security policies]", "'from-zone XXX to-zone YYY'", "Referenced security-zone 'XXX' is not defined"),
    ("[edit security policies]", "'from-zone XXX to-zone YYY'", "Referenced security-zone 'YYY' is not defined"),
    ("[edit security ike policy MNHA-RA-VPN certificate trusted-ca]", "'ca-profile'",
     "Referenced ca-profile 'WINLAB-DC1_1' is not defined"),
    ("[edit policy-options policy-statement MNHA_ROUTE_POLICY term 20 from]", "'condition'",
     "Referenced condition 'BACKUP_ROUTE_EXISTS_SRG1' is not defined"),
    ("[edit policy-options policy-statement PROD-S2S-VPN term 10 from]", "'prefix-list'",
     "Referenced prefix-list 'PROD-S2S-PREFIXES' is not defined"),
]  # fmt: skip

FIXES = """\
set security address-book global address H10.177.177.77 10.177.177.77/32
set security address-book global address H10.165.251.200 10.165.251.200/32
set applications application ESP protocol esp
set security zones security-zone XXX
set security zones security-zone YYY
set security pki ca-profile WINLAB-DC1_1 ca-identity WINLAB-DC1_1
set security ipsec vpn ICL ike gateway IKE-GW-VPN-1
set security ipsec vpn ICL ike ipsec-policy IPSEC-POLICY
set policy-options condition BACKUP_ROUTE_EXISTS_SRG1 if-route-exists address-family inet 169.254.200.2/32
set policy-options condition BACKUP_ROUTE_EXISTS_SRG1 if-route-exists address-family inet table inet.0
set policy-options prefix-list PROD-S2S-PREFIXES 192.168.252.0/24
"""


@pytest.mark.parametrize("node", ["A", "B"])
def test_seed_001_loads_checks_and_commits(cli, node):
    lines = [line for _, line in seed_001_device_lines(node)]
    assert len(lines) > 150
    cli.run("configure")
    out = cli.run("load set terminal", answers=["\n".join(lines)])
    errors = [line for line in out.splitlines() if line.startswith("terminal:")]
    assert [e.split(") ", 1)[1] for e in errors] == BAD_LINES[node]
    for e in errors:  # each names its line in the pasted text, which holds the offending word
        number = int(e.split(":")[1])
        assert e.rsplit(": ", 1)[1] in lines[number - 1]
    assert out.rstrip().endswith("load complete")

    check = cli.output("commit check")
    for header, statement, message in UNDEFINED:
        block = f"{header}\n  {statement}\n    {message}\n"
        assert block in check, block
    peer = 2 if node == "A" else 1
    assert f"[edit chassis high-availability peer-id {peer}]\n  'vpn-profile'\n    " in check
    assert "Referenced IPsec VPN 'ICL' is not defined" in check
    assert check.rstrip().endswith("error: configuration check-out failed")
    assert cli.device.db.store.records[0].client == "other"  # nothing was committed

    out = cli.run("load set terminal", answers=[FIXES])
    assert "error" not in out
    assert cli.output("commit check").strip() == "configuration check succeeds"
    assert cli.output("commit").strip() == "commit complete"
    active = cli.output("run show configuration chassis high-availability local-id")
    assert active.splitlines()[:2] == ["1;" if node == "A" else "2;", f"local-ip 100.64.0.{9 if node == 'A' else 10};"]


def test_both_nodes_in_one_device_conflict(cli):
    """Loading A's and B's lines into one box puts interfaces in two zones: commit check says so."""
    lines = {line for node in "AB" for _, line in seed_001_device_lines(node)}
    cli.run("configure")
    cli.run("load set terminal", answers=["\n".join(sorted(lines))])
    check = cli.output("commit check")
    assert "'ge-0/0/2.0' is already used at [edit security zones security-zone" in check
