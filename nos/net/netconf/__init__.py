"""NETCONF over SSH (RFC 6241/6242) with the Junos RPCs PyEZ and ncclient scripts use.

framing.py splits the byte stream into messages (`]]>]]>`, then chunked
once both sides speak base:1.1); xml.py builds replies and `<rpc-error>`s;
session.py runs one session (hello, then RPCs in order) as the logged-in
user; rpcs/ holds the RPCs by area; configxml.py maps the configuration to
and from Junos XML. The SSH server hands a channel here for the `netconf`
subsystem or the exec command `xml-mode netconf need-trailer`.
"""

from __future__ import annotations

from nos.net.netconf.session import NetconfSession

XML_MODE_COMMANDS = frozenset({"xml-mode netconf need-trailer", "xml-mode netconf"})


def is_netconf_command(command: str) -> bool:
    """An exec request that asks for NETCONF rather than a CLI command (PyEZ over port 22)."""
    return " ".join(command.split()) in XML_MODE_COMMANDS


__all__ = ["NetconfSession", "is_netconf_command"]
