"""`show firewall [filter F] [counter C]` and `show firewall log [detail]`: each answer built once as
the element Junos replies with (namespace junos-filter), its text rendered from it.

`<firewall-information>` holds a `<filter-information>` per filter (`filter-name`, and a `<counter>`
with `counter-name`, `packet-count`, `byte-count` per counter: a published MX 19.4 `| display xml`
of get-firewall-filter-information). Its text is laid out as MX captures print it (genieparser's
ShowFirewall goldens): a blank line, `Filter: NAME` padded to 63 columns, `Counters:`, then the
name left-aligned with bytes ending in column 57 and packets in column 78.

`<firewall-log-information>` holds a `<log-information>` per packet, newest first (`time`,
`filter-name`, `action-name`, `interface-name`, `protocol-name`, `packet-length` in detail,
`destination-address`, `source-address`: a Juniper test's reply of the detailed RPC). Brief text
is the `Log :` table (columns at 0/10/20/27/41/57/90, as the genieparser golden of an MX); detail
is two lines a packet: `Time of Log: ..., Filter: ..., Filter action: ..., Name of interface: ...`
then `Name of protocol: ..., Packet Length: ..., Source address: ..., Destination address: ...`
(Junos' command reference). Filters on the forwarding path log as `pfe`; a filter the routing
engine runs (lo0) logs under its name. The brief log's time is `hh:mm:ss`, the detailed one's
`yyyy-mm-dd hh:mm:ss ZONE`, both in the device's time zone.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from nos.config.commitat import local_time
from nos.features.firewall.filters import Counter, Firewall
from nos.features.firewall.log import Entry
from nos.lab.packet import ipv4_text
from nos.runtime.structured import E, Element, Structured, namespace, sub, text_of

NS = namespace("junos-filter")


# -- show firewall (get-firewall-information, get-firewall-filter-information, get-firewall-counter-information)


def firewall_xml(firewall: Firewall, name: str | None = None, counter: str | None = None) -> Element:
    """The filters (or the one named: its own name or an interface-specific instance's) and their
    counters (or the one named), as the forwarding engine counts them now."""
    info = E("firewall-information", ns=NS)
    for flt in firewall.filters.values():
        for instance in firewall.instances(flt):
            if name is not None and name not in (flt.name, instance):
                continue
            entry = sub(info, "filter-information")
            sub(entry, "filter-name", instance)
            suffix = instance[len(flt.name) :]
            counts = flt.counters.get(instance, {})
            for cname in flt.counter_names:
                shown = cname + suffix
                if counter is not None and counter not in (cname, shown):
                    continue
                value = counts.get(cname) or Counter()
                element = sub(entry, "counter")
                sub(element, "counter-name", shown)
                sub(element, "packet-count", value.packets)
                sub(element, "byte-count", value.bytes)
    return info


def render_firewall(info: Element) -> list[str]:
    lines: list[str] = []
    for entry in info.iterfind("filter-information"):
        lines += ["", f"Filter: {text_of(entry, 'filter-name'):<55}"]
        counters = entry.findall("counter")
        if counters:
            lines += ["Counters:", _row("Name", "Bytes", "Packets")]
            for c in counters:
                lines.append(_row(text_of(c, "counter-name"), text_of(c, "byte-count"), text_of(c, "packet-count")))
    return lines


def _row(name: str, size: str, packets: str) -> str:
    return f"{name:<40}{size:>17}{packets:>21}"


def show_firewall(
    firewall: Firewall, rpc: str, name: str | None, counter: str | None, asked: dict[str, str | bool]
) -> Structured | list[str]:
    firewall.settle()
    if name is not None and not _known(firewall, name):
        return [f"error: filter {name} does not exist"]  # [G] wording
    return Structured(firewall_xml(firewall, name, counter), render_firewall, rpc, asked)


def _known(firewall: Firewall, name: str) -> bool:
    return any(name in (flt.name, *firewall.instances(flt)) for flt in firewall.filters.values())


# -- show firewall log (get-firewall-log-information) --------------------------------------------------------


def _clock(epoch: float, zone: tzinfo) -> str:
    return f"{datetime.fromtimestamp(int(epoch), zone):%H:%M:%S}"


def log_xml(entries: list[Entry], zone: tzinfo, detail: bool) -> Element:
    info = E("firewall-log-information", ns=NS)
    for entry in entries:
        record = entry.record
        item = sub(info, "log-information")
        sub(item, "time", local_time(entry.time, zone) if detail else _clock(entry.time, zone))
        sub(item, "filter-name", record.filter if record.interface.startswith("lo") else "pfe")
        sub(item, "action-name", record.action if detail else record.letter)
        sub(item, "interface-name", record.interface)
        sub(item, "protocol-name", record.protocol.upper())
        if detail:
            sub(item, "packet-length", record.length)
        sub(item, "destination-address", record.address(False) if detail else ipv4_text(record.dst))
        sub(item, "source-address", record.address(True) if detail else ipv4_text(record.src))
    return info


LOG_HEADER = ("Time", "Filter", "Action", "Interface", "Protocol", "Src Addr", "Dest Addr")
LOG_WIDTHS = (10, 10, 7, 14, 16, 33)


def _columns(values: tuple[str, ...]) -> str:
    """A row of the log table: each column padded to its width, at least one space after it."""
    cells = [f"{v:<{w - 1}} " for v, w in zip(values, LOG_WIDTHS, strict=False)]
    return "".join(cells) + values[-1]


def render_log(info: Element) -> list[str]:
    lines = ["Log :", _columns(LOG_HEADER)]
    for item in info.iterfind("log-information"):
        lines.append(
            _columns(
                tuple(
                    text_of(item, tag)
                    for tag in ("time", "filter-name", "action-name", "interface-name", "protocol-name")
                )
                + (text_of(item, "source-address"), text_of(item, "destination-address"))
            )
        )
    return lines


def render_log_detail(info: Element) -> list[str]:
    lines: list[str] = []
    for item in info.iterfind("log-information"):
        lines.append(
            f"Time of Log: {text_of(item, 'time')}, Filter: {text_of(item, 'filter-name')},"
            f" Filter action: {text_of(item, 'action-name')}, Name of interface: {text_of(item, 'interface-name')}"
        )
        lines.append(
            f"Name of protocol: {text_of(item, 'protocol-name')}, Packet Length: {text_of(item, 'packet-length')},"
            f" Source address: {text_of(item, 'source-address')},"
            f" Destination address: {text_of(item, 'destination-address')}"
        )
    return lines


def show_log(firewall: Firewall, zone: tzinfo, detail: bool, interface: str | None) -> Structured:
    asked: dict[str, str | bool] = {}
    if detail:
        asked["get-firewall-log-detailed-information"] = True
    if interface:
        asked["interface"] = interface
    firewall.settle()
    entries = firewall.log.newest_first(interface)
    render = render_log_detail if detail else render_log
    return Structured(log_xml(entries, zone, detail), render, "get-firewall-log-information", asked)


__all__ = ["firewall_xml", "log_xml", "render_firewall", "render_log", "render_log_detail", "show_firewall", "show_log"]
