"""The default lab's failover, watched through a netmiko script on BranchC, at exact lab times.

The same story as demo-configs/dual-isp/scenario-failover.txt (which explains
the times): ISP1's link is cut at 30 s; RPM's test fails at 41.040 s and
ip-monitoring installs the preferred route to ISP2 in ISP1.inet.0.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from served import SshLab
from sshclient import Shell

netmiko = pytest.importorskip("netmiko")

LAB = Path(__file__).resolve().parents[2] / "demo-configs" / "dual-isp" / "lab.toml"
DEFAULT = "show route table ISP1.inet.0 0.0.0.0/0 exact"


@pytest.fixture
def lab(tmp_path):
    served = SshLab(LAB, tmp_path).start()
    yield served
    served.stop()


def test_every_device_has_its_own_port(lab):
    assert set(lab.ports) == {"BranchC", "ISP1", "ISP2"}
    assert len(set(lab.ports.values())) == 3


def test_failover_seen_from_a_netmiko_script(lab):
    branch = netmiko.ConnectHandler(
        device_type="juniper_junos", host="127.0.0.1", port=lab.ports["BranchC"], username="lab", password="lab123"
    )
    try:
        assert "to 10.1.1.1 via ge-0/0/1.0" in branch.send_command(DEFAULT)
        branch.send_command("request lab wait 30", expect_string="Lab time")
        assert "is now down" in branch.send_command("request lab link BranchC:ge-0/0/1 down")
        branch.send_command("request lab wait 11.039", expect_string="Lab time")
        assert "Static/1" not in branch.send_command(DEFAULT)  # 41.039: the test has not failed yet
        branch.send_command("request lab wait 0.002", expect_string="Lab time")
        route = branch.send_command(DEFAULT)  # 41.041: it has
        assert "*[Static/1]" in route and "to 10.2.2.1" in route
        status = branch.send_command("show services ip-monitoring status track-isp1")
        assert "Policy - track-isp1 (Status: FAIL)" in status
        assert "00:00:41  BranchC  route  ISP1.inet.0 0.0.0.0/0: Static/1 to 10.2.2.1" in branch.send_command(
            "show lab events since 41"
        )

        def failed_at() -> float:
            device = lab.lab.devices["BranchC"]
            event = next(e for e in device.log.events if e.tag == "PING_TEST_FAILED")
            return round(event.time - lab.scheduler.epoch0, 3)

        assert lab.call(failed_at) == 41.040
    finally:
        branch.disconnect()


def test_ctrl_c_stops_a_ping_that_would_run_forever(lab):
    shell = Shell(lab.ports["BranchC"], "lab", "lab123")
    shell.chan.send("ping 8.8.8.8 routing-instance ISP1\n")
    seen = ""
    while seen.count("bytes from 8.8.8.8") < 3:
        seen += shell.chan.recv(65536).decode()
    out = shell.type("\x03")
    assert "--- 8.8.8.8 ping statistics ---" in out
    counts = re.search(r"(\d+) packets transmitted, (\d+) packets received", out)
    sent, received = int(counts.group(1)), int(counts.group(2))
    assert sent >= 3 and received in (sent, sent - 1)  # the last echo may still be on its way
    assert out.endswith("lab@BranchC> ")
    assert "Hostname: BranchC" in shell.run("show version")  # the session goes on
    shell.close()
