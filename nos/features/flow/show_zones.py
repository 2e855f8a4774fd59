"""`show security zones [NAME] [detail|terse]`: built as the `<zones-information>` Junos answers
get-zones-information with, and rendered to text from it as the vSRX 24.4 capture lays it out
(reference junos-output/show_security_zones__vsrx_24.4.txt).

Element names are those of published get-zones-information replies (zones-security-zonename,
zone-id, zones-security-description, -send-reset, -policy-configurable, -screen,
-interfaces-bound, -interfaces/-interface-name, -advanced-connection-tracking-timeout,
-unidirectional-session-refreshing). Zones are listed by name, junos-host last, as the captures
list them. The functional zone `management` (`<zones-functional>`, its child names following the
same pattern) and the terse table's layout are this simulator's: no capture of them was found.
"""

from __future__ import annotations

from nos.features.flow.security import SecurityConfig
from nos.features.flow.zones import JUNOS_HOST, JUNOS_HOST_ID, Zone
from nos.runtime.structured import E, Element, Structured, namespace, sub, text_of

TRACKING_TIMEOUT = 1800  # advanced-connection-tracking timeout, the Junos default


def zones_xml(config: SecurityConfig, name: str | None = None, style: str | None = None) -> Element:
    attrs = {"junos_style": style} if style else {}
    info = E("zones-information", ns=namespace("junos-zones"), **attrs)
    management = config.zones.management
    if management is not None and name in (None, "management"):
        _functional(info, management)
    zones = sorted(config.zones.zones.values(), key=lambda z: z.name)
    for zone in [*zones, Zone(JUNOS_HOST, JUNOS_HOST_ID)]:
        if name is None or zone.name == name:
            _security(info, zone)
    return info


def _security(info: Element, zone: Zone) -> None:
    item = sub(info, "zones-security")
    sub(item, "zones-security-zonename", zone.name)
    sub(item, "zone-id", zone.id)
    if zone.description:
        sub(item, "zones-security-description", zone.description)
    sub(item, "zones-security-send-reset", "On" if zone.tcp_rst else "Off")
    sub(item, "zones-security-policy-configurable", "Yes")
    if zone.screen:
        sub(item, "zones-security-screen", zone.screen)
    _interfaces(item, "zones-security", zone)
    sub(item, "zones-security-advanced-connection-tracking-timeout", TRACKING_TIMEOUT)
    sub(item, "zones-security-unidirectional-session-refreshing", "Yes" if zone.unidirectional_refresh else "No")


def _functional(info: Element, zone: Zone) -> None:
    item = sub(info, "zones-functional")
    sub(item, "zones-functional-zonename", zone.name)
    if zone.description:
        sub(item, "zones-functional-description", zone.description)
    sub(item, "zones-functional-policy-configurable", "No")
    _interfaces(item, "zones-functional", zone)


def _interfaces(item: Element, prefix: str, zone: Zone) -> None:
    sub(item, f"{prefix}-interfaces-bound", len(zone.interfaces))
    listed = sub(item, f"{prefix}-interfaces")
    for ifl in zone.interfaces:
        sub(listed, f"{prefix}-interface-name", ifl)


def render_zones(info: Element) -> list[str]:
    blocks: list[list[str]] = []
    for item in info:
        kind = "security" if item.tag == "zones-security" else "functional"
        p = f"zones-{kind}"
        t = lambda path, e=item: text_of(e, path)  # noqa: E731
        block = [f"{kind.capitalize()} zone: {t(f'{p}-zonename')}"]
        if kind == "security":
            block.append(f"  Zone ID: {t('zone-id')}")
        if t(f"{p}-description"):
            block.append(f"  Description: {t(f'{p}-description')}")
        if kind == "security":
            block.append(f"  Send reset for non-SYN session TCP packets: {t(f'{p}-send-reset')}")
        block.append(f"  Policy configurable: {t(f'{p}-policy-configurable')}")
        if t(f"{p}-screen"):
            block.append(f"  Screen: {t(f'{p}-screen')}")
        block.append(f"  Interfaces bound: {t(f'{p}-interfaces-bound')}")
        block.append("  Interfaces:")
        block += [f"    {e.text}" for e in item.iterfind(f"{p}-interfaces/{p}-interface-name")]
        if kind == "security":
            block.append(f"  Advanced-connection-tracking timeout: {t(f'{p}-advanced-connection-tracking-timeout')}")
            block.append(f"  Unidirectional-session-refreshing: {t(f'{p}-unidirectional-session-refreshing')}")
        blocks.append(block)
    lines: list[str] = []
    for block in blocks:
        lines += ([""] if lines else []) + block
    return lines


def render_terse(info: Element) -> list[str]:
    lines = [f"{'Zone':<28}Type"]
    for item in info:
        kind = "Security" if item.tag == "zones-security" else "Functional"
        name = text_of(item, f"zones-{kind.lower()}-zonename")
        lines.append(f"{name:<27} {kind}")
    return lines


def zones(config: SecurityConfig, name: str | None = None, detail: bool = False, terse: bool = False) -> Structured:
    style = "terse" if terse else "detail" if detail else None
    args: dict[str, str | bool] = {"get-zones-named-information": name} if name else {}
    if terse or detail:
        args["terse" if terse else "detail"] = True
    return Structured(
        zones_xml(config, name, style), render_terse if terse else render_zones, "get-zones-information", args
    )


__all__ = ["render_terse", "render_zones", "zones", "zones_xml"]
