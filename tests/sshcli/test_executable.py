"""The installed entry points serve SSH: `nos cli --ssh` and `nos lab --ssh`, with no local prompt."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import paramiko
import pytest

from nos.runtime.passwords import sha512_crypt

ROOT = Path(__file__).resolve().parents[2]


def start(*args: str) -> tuple[subprocess.Popen[str], dict[str, int]]:
    """Run `nos ARGS` with stdin closed; read the access table it prints (ports by device)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "nos", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=ROOT,
    )
    assert proc.stdout is not None
    header = proc.stdout.readline()
    assert header.split() == ["Device", "Address", "Log", "in", "with"], header
    ports: dict[str, int] = {}
    while True:
        row = proc.stdout.readline()
        m = re.match(r"(\S+) +127\.0\.0\.1:(\d+) +ssh -p \2 ", row)
        assert m, row
        ports[m.group(1)] = int(m.group(2))
        if not ports or len(ports) >= expected_rows(args):
            break
    return proc, ports


def expected_rows(args: tuple[str, ...]) -> int:
    return 3 if args[0] == "lab" else 1


def run_over_ssh(port: int, command: str) -> str:
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    client.connect("127.0.0.1", port=port, username="lab", password="lab123", look_for_keys=False, allow_agent=False)
    try:
        _, stdout, _ = client.exec_command(command)
        return stdout.read().decode()
    finally:
        client.close()


@pytest.fixture
def stop_after():
    procs: list[subprocess.Popen[str]] = []
    yield procs.append
    for proc in procs:
        proc.terminate()
        proc.wait(10)


def test_nos_cli_serves_its_configuration(tmp_path, stop_after):
    config = tmp_path / "edge.conf"
    config.write_text(
        f'system {{ host-name edge9; root-authentication {{ encrypted-password "{sha512_crypt("x")}"; }} }}\n'
    )
    proc, ports = start(
        "cli", "--config", str(config), "--ssh", "0", "--clock", "virtual", "--state-dir", str(tmp_path / "s")
    )
    stop_after(proc)
    assert list(ports) == ["edge9"]
    assert "Hostname: edge9" in run_over_ssh(ports["edge9"], "show version")
    assert (tmp_path / "s" / "ssh" / "ssh_host_ed25519_key").exists()  # made once, kept in the state directory


def test_nos_lab_serves_every_device(tmp_path, stop_after):
    lab = ROOT / "demo-configs" / "dual-isp" / "lab.toml"
    proc, ports = start("lab", str(lab), "--ssh", "0", "--clock", "virtual", "--state-dir", str(tmp_path))
    stop_after(proc)
    assert list(ports) == ["BranchC", "ISP1", "ISP2"]
    assert "Hostname: ISP2" in run_over_ssh(ports["ISP2"], "show version")
