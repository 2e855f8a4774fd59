"""PyEZ (junos-eznc) scripts against a device served over SSH: facts, cli, and the Config utility."""

from __future__ import annotations

import pytest
from jnpr.junos import Device
from jnpr.junos.exception import ConfigLoadError, LockError, RpcError
from jnpr.junos.utils.config import Config
from sshclient import Shell

from nos.runtime.passwords import sha512_crypt

VIEWER_HASH = sha512_crypt("viewer-pw", "pepperpepperpepp")

USERS = f"""
system {{
    host-name sim1;
    root-authentication {{ encrypted-password "{VIEWER_HASH}"; }}
    login {{
        user lab {{ uid 2000; class super-user; authentication {{ encrypted-password "{sha512_crypt("lab123", "saltsaltsaltsalt")}"; }} }}
        user viewer {{ uid 2002; class read-only; authentication {{ encrypted-password "{VIEWER_HASH}"; }} }}
    }}
}}
"""


def opened(port: int, user: str = "lab", password: str = "lab123") -> Device:
    dev = Device(host="127.0.0.1", port=port, user=user, passwd=password, gather_facts=False)
    dev.open()
    return dev


def test_facts_and_cli(ssh_device):
    dev = opened(ssh_device.port)
    with pytest.warns(RuntimeWarning, match="debug use only"):  # PyEZ names the RPC to use instead
        text = dev.cli("show version")
    assert "Hostname: sim1" in text
    assert dev.facts["hostname"] == "sim1"
    assert dev.facts["version"] == ssh_device.call(lambda: __import__("nos").JUNOS_RELEASE)
    assert dev.facts["model"] == "VSRX"
    assert dev.facts["RE0"]["mastership_state"] == "master"
    assert len(dev.facts["serialnumber"]) == 12 and dev.facts["srx_cluster"] is False  # chassis inventory, cluster
    assert isinstance(dev.uptime, int)  # get-system-uptime-information, as napalm's get_facts reads it
    assert dev.rpc.get_software_information().findtext("host-name") == "sim1"
    dev.close()


def test_config_lock_load_diff_commit_unlock_then_rollback(ssh_device, capsys):
    dev = opened(ssh_device.port)
    cu = Config(dev)
    cu.lock()
    cu.load("set system host-name r7", format="set")
    cu.pdiff()
    assert "+   host-name r7;" in capsys.readouterr().out
    assert "[edit system]" in cu.diff()
    assert cu.commit_check() is True
    assert cu.commit(comment="pyez") is True
    assert cu.diff() is None  # nothing left to commit
    cu.unlock()
    record = ssh_device.call(lambda: ssh_device.device.db.store.records[0])
    assert ssh_device.call(lambda: ssh_device.device.hostname) == "r7"
    assert (record.user, record.client, record.comment) == ("lab", "netconf", "pyez")
    shell = Shell(ssh_device.port, "lab", "lab123")
    assert "by lab via netconf" in shell.run("show system commit")
    shell.close()
    cu.rollback(1)
    assert "-   host-name r7;" in cu.diff()
    cu.commit()
    assert ssh_device.call(lambda: ssh_device.device.hostname) == "sim1"
    dev.close()


def test_load_text_and_errors(ssh_device):
    dev = opened(ssh_device.port)
    cu = Config(dev)
    cu.load("system { host-name r8; }", format="text", merge=True)
    with pytest.raises(ConfigLoadError) as caught:
        cu.load("set system host-nam r9", format="set")
    assert "syntax error: host-nam" in str(caught.value)
    cu.commit()
    assert ssh_device.call(lambda: ssh_device.device.hostname) == "r8"
    dev.close()


def test_a_cli_configure_exclusive_makes_the_lock_fail(ssh_device):
    shell = Shell(ssh_device.port, "lab", "lab123")
    assert "Entering configuration mode" in shell.run("configure exclusive")
    dev = opened(ssh_device.port)
    cu = Config(dev)
    with pytest.raises(LockError) as caught:
        cu.lock()
    assert "configuration database locked by" in caught.value.rpc_error["message"]
    shell.run("exit")
    cu.lock()
    cu.unlock()
    dev.close()
    shell.close()


def test_a_read_only_user_may_not_load(serve):
    device = serve(USERS)
    dev = opened(device.port, "viewer", "viewer-pw")
    assert "Hostname: sim1" in dev.cli("show version", warning=False)
    cu = Config(dev)
    with pytest.raises(RpcError) as caught:
        cu.load("set system host-name r7", format="set")
    assert "permission denied" in str(caught.value)
    with pytest.raises(LockError):
        cu.lock()
    dev.close()
    assert device.call(lambda: device.device.hostname) == "sim1"
