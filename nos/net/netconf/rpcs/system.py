"""Facts RPCs: what PyEZ asks to fill `dev.facts` (software, routing engine), and `close-session`."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from nos import JUNOS_RELEASE, __version__
from nos.net.netconf.xml import element, failed, sub

if TYPE_CHECKING:
    from nos.net.netconf.session import NetconfSession

MODEL = "vsrx"


def software_information(session: NetconfSession) -> ET.Element:
    """`show version` as XML: PyEZ reads host-name, product-model and junos-version."""
    info = element("software-information")
    sub(info, "host-name", session.device.hostname)
    sub(info, "product-model", MODEL)
    sub(info, "product-name", MODEL)
    sub(info, "junos-version", JUNOS_RELEASE)
    for name, comment in (
        ("junos", f"JUNOS Software Release [{JUNOS_RELEASE}]"),
        ("nos", f"JUNOS nos simulator [{__version__}]"),
    ):
        package = sub(info, "package-information")
        sub(package, "name", name)
        sub(package, "comment", comment)
    return info


def route_engine_information(session: NetconfSession) -> ET.Element:
    """A single routing engine, slot 0, master: what a standalone SRX reports."""
    info = element("route-engine-information")
    engine = sub(info, "route-engine")
    sub(engine, "slot", "0")
    sub(engine, "mastership-state", "master")
    sub(engine, "mastership-priority", "master (default)")
    sub(engine, "status", "OK")
    sub(engine, "model", "VSRX-RE")
    device = session.device
    sub(engine, "up-time", f"{int(device.scheduler.epoch() - device.boot_time)} seconds")
    return info


async def get_software_information(session: NetconfSession, op: ET.Element) -> list[ET.Element]:
    _may_run(session, ["show", "version"])
    return [software_information(session)]


async def get_route_engine_information(session: NetconfSession, op: ET.Element) -> list[ET.Element]:
    _may_run(session, ["show", "chassis", "routing-engine"])
    return [route_engine_information(session)]


async def close_session(session: NetconfSession, op: ET.Element) -> list[ET.Element]:
    return []  # the session ends once the <ok/> is sent


def _may_run(session: NetconfSession, words: list[str]) -> None:
    if not session.cli.rights.may_run(words):
        raise failed("permission denied", tag="access-denied")


HANDLERS = {
    "get-software-information": get_software_information,
    "get-route-engine-information": get_route_engine_information,
    "close-session": close_session,
}
