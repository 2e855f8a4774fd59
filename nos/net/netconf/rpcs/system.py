"""The device's own RPCs (what PyEZ facts and napalm's get_facts ask for): software, uptime,
commits, users, routing engine and inventory, answered by the system feature's commands
(nos/features/system) as the CLI's `| display xml` shows them; the chassis cluster
status a standalone SRX refuses; `request-shell-execute`, which finds no shell (PyEZ's
vmhost fact asks it for `sysctl`: an answer without "1" reads as no VM host, what a
vSRX is); and `close-session`.

These answer on any device, whether its features are installed or not.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from nos.features import system as device_commands
from nos.features.system.chassis import XNM
from nos.net.netconf.rpcs.operational import arguments, as_element, reply_format
from nos.net.netconf.xml import element, failed, verbatim
from nos.runtime.features import RpcSpec
from nos.runtime.structured import to_text

if TYPE_CHECKING:
    from nos.net.netconf.session import NetconfSession

ET.register_namespace("xnm", XNM)  # `<xnm:error>` as Junos writes it, not `<ns0:error>`


async def run(session: NetconfSession, spec: RpcSpec, args: dict[str, object], fmt: str = "xml") -> list[ET.Element]:
    """One of the device's commands for the session's user, judged as the command by the login class,
    in the format the request asked for (`format="json|text"`, as for the features' RPCs)."""
    _may_run(session, list(spec.words))
    answer = await device_commands.run(session.device, spec.action, args, session.user)
    return [as_element(answer, fmt)]


def _handler(spec: RpcSpec):  # type: ignore[no-untyped-def]
    async def handle(session: NetconfSession, op: ET.Element) -> list[ET.Element]:
        return await run(session, spec, arguments(op, spec), reply_format(op))

    return handle


async def get_chassis_cluster_status(session: NetconfSession, op: ET.Element) -> list[ET.Element]:
    """A standalone box: the `xnm:error` inside a normal reply (PyEZ: srx_cluster False)."""
    _may_run(session, ["show", "chassis", "cluster", "status"])
    return [verbatim(to_text(device_commands.cluster_status_error()))]


async def request_shell_execute(session: NetconfSession, op: ET.Element) -> list[ET.Element]:
    """No Unix below the CLI: the command's output is what `start shell` says (shell permission needed)."""
    _may_run(session, ["start", "shell"])
    return [element("output", "error: the shell is not available: nos devices have only the Junos CLI\n")]


async def close_session(session: NetconfSession, op: ET.Element) -> list[ET.Element]:
    return []  # the session ends once the <ok/> is sent


def _may_run(session: NetconfSession, words: list[str]) -> None:
    if not session.cli.rights.may_run(words):
        raise failed("permission denied", tag="access-denied")


HANDLERS = {
    **{name: _handler(spec) for name, spec in device_commands.RPCS.items()},
    "get-chassis-cluster-status": get_chassis_cluster_status,
    "request-shell-execute": request_shell_execute,
    "close-session": close_session,
}
