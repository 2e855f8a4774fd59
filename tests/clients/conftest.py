"""The default lab (`nos lab`: demo-configs/dual-isp/lab.toml) served over SSH and NETCONF, one lab
per test module, for the automation libraries an engineer points at its SRX, BranchC.

The lab runs on the virtual clock: it is moved on once, when the lab starts, so
uptimes and route ages are not all zero and LAN traffic has been counted; then
time stands still while the clients read, and every reading agrees with the next.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from labcli import PASSWORD, USER, Cli
from served import SshLab

LAB = Path(__file__).resolve().parents[2] / "demo-configs" / "dual-isp" / "lab.toml"
SETTLE = 125  # seconds of lab time before the clients look: past two minutes of uptime


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SshLab]:
    served = SshLab(LAB, tmp_path_factory.mktemp("lab")).start()
    shell = Cli(served.ports["BranchC"], USER, PASSWORD)
    assert "Lab time" in shell.show(f"request lab wait {SETTLE}")
    assert "0% packet loss" in shell.show("ping 10.0.1.10 count 3 rapid")  # counters on a LAN port
    shell.close()
    yield served
    served.stop()


@pytest.fixture(scope="module")
def port(lab: SshLab) -> int:
    """BranchC's SSH port: its CLI, and NETCONF (the `netconf` subsystem) on the same port."""
    return lab.ports["BranchC"]


@pytest.fixture(scope="module")
def cli(port: int) -> Iterator[Cli]:
    session = Cli(port, USER, PASSWORD)
    yield session
    session.close()
