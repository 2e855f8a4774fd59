"""ncclient with `device_params={'name': 'junos'}` against a device served over SSH."""

from __future__ import annotations

import paramiko
import pytest
from ncclient import manager
from ncclient.operations.rpc import RPCError

from nos.net.netconf.framing import EOM


def connect(port: int, user: str = "lab", password: str = "lab123"):  # type: ignore[no-untyped-def]
    return manager.connect(
        host="127.0.0.1",
        port=port,
        username=user,
        password=password,
        hostkey_verify=False,
        device_params={"name": "junos"},
        look_for_keys=False,
        allow_agent=False,
        timeout=30,
    )


def test_hello_command_lock_load_commit_unlock(ssh_device):
    with connect(ssh_device.port) as m:
        assert "urn:ietf:params:netconf:base:1.1" in m.server_capabilities
        assert "http://xml.juniper.net/netconf/junos/1.0" in m.server_capabilities
        assert int(m.session_id) > 0
        out = m.command("show version", format="text")
        assert "Hostname: sim1" in out.xpath("//output")[0].text
        m.lock()
        m.load_configuration(action="set", config=["set system host-name r5"])
        diff = m.compare_configuration()
        assert "+   host-name r5;" in diff.xpath("//configuration-output")[0].text
        m.commit()
        m.unlock()
        text = m.get_configuration(format="text").xpath("//configuration-text")[0].text
        assert "host-name r5;" in text
    assert ssh_device.call(lambda: ssh_device.device.hostname) == "r5"
    record = ssh_device.call(lambda: ssh_device.device.db.store.records[0])
    assert (record.user, record.client) == ("lab", "netconf")
    assert ssh_device.call(lambda: [s for s in ssh_device.device.sessions]) == []  # the session was let go


def test_an_unknown_rpc_raises_on_the_client(ssh_device):
    with connect(ssh_device.port) as m:
        with pytest.raises(RPCError) as caught:
            m.rpc("<get-bogus-information/>")
        assert caught.value.tag == "operation-not-supported"
        assert "get-bogus-information" in caught.value.message
        with pytest.raises(RPCError):
            m.load_configuration(action="set", config=["set system host-nam r7"])
        # the session goes on after errors
        assert m.command("show version", format="text").xpath("//output")


def test_xml_mode_on_an_exec_channel_speaks_netconf_1_0(ssh_device):
    """What ncclient falls back to (and PyEZ uses on port 22): `xml-mode netconf need-trailer`."""
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    client.connect("127.0.0.1", ssh_device.port, "lab", "lab123", look_for_keys=False, allow_agent=False)
    try:
        chan = client.get_transport().open_session()
        chan.settimeout(30)
        chan.exec_command("xml-mode netconf need-trailer")

        def read_message() -> str:
            data = b""
            while EOM.encode() not in data:
                chunk = chan.recv(65536)
                assert chunk, "the channel closed"
                data += chunk
            return data.decode().split(EOM)[0]

        assert "<session-id>" in read_message()
        hello = '<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities>'
        hello += "<capability>urn:ietf:params:netconf:base:1.0</capability></capabilities></hello>"
        chan.sendall((hello + EOM + '<rpc message-id="5"><get-software-information/></rpc>' + EOM).encode())
        reply = read_message()
        assert 'message-id="5"' in reply and "<host-name>sim1</host-name>" in reply
        chan.sendall(('<rpc message-id="6"><close-session/></rpc>' + EOM).encode())
        assert "<ok/>" in read_message()
    finally:
        client.close()
