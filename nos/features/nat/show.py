"""`show security nat ...`: each answer built once as the element Junos replies with (namespace
junos-nat), its text rendered from it.

Laid out after the vSRX 24.4 captures in reference/junos-output (source rule all, source summary,
destination rule all) and the static-NAT capture (show_security_flow_session_nat__vsrx_jp):
labels padded so the colon is in column 29 (32 in a source rule's action block), address and port
ranges as `low` padded to 15, ` - `, `high`; the summary's pool table on tab stops 21/46/67/72.

Element names: source rules, source pools, static rules and the source summary follow published
Junos replies (source-nat-rule-detail-information, source-nat-pool-detail-information,
static-nat-rule-information, ssg-source-nat-summary-information). No capture of the destination
rule, destination pool or destination summary replies of an SRX was found: their element names
follow the pattern of the others (destination-nat-rule-information and destination-nat-pool-
information as Junos services NAT names them) and are this simulator's, as are the layouts of
`source pool`, `destination pool` and `destination summary` text (field names from Junos' command
reference), and the port, protocol and application lines of rules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from nos.features.nat.common import Context, MatchRule, Ranges, Rule, ranges_text
from nos.features.nat.destination import DestinationRule
from nos.features.nat.pools import DestinationPool, SourcePool
from nos.features.nat.runtime import Nat, RuleCounters
from nos.features.nat.source import SourceRule
from nos.features.nat.static import StaticRule
from nos.routing.prefix import addr_text
from nos.runtime.structured import E, Element, Structured, namespace, sub, text_of

NS = namespace("junos-nat")
MAX_PAT_PORTS = 201326592  # the vSRX's ceiling on port-translation ports (the 24.4 capture's)
CONTEXT_LABELS = {"zone": "zone", "interface": "interface", "routing-instance": "routing-instance"}


def _field(label: str, text: object, indent: int = 2, width: int = 29) -> str:
    """`  Label      : value`, the colon in column `width`."""
    return f"{' ' * indent}{label:<{width - indent}}: {text}"


def _pair(low: object, high: object) -> str:
    return f"{low!s:<15} - {high}"


def _context(entry: Element, side: str, ctx: Context) -> None:
    sub(entry, f"rule-{side}-context", ctx.kind)
    for name in ctx.names:
        sub(entry, f"rule-{side}-context-name", name)


def _context_lines(entry: Element, side: str) -> list[str]:
    kind = text_of(entry, f"rule-{side}-context")
    names = [e.text or "" for e in entry.iterfind(f"rule-{side}-context-name")]
    label = f"{side.capitalize()} {CONTEXT_LABELS.get(kind, kind)}"
    return [_field(label if n == 0 else "", name) for n, name in enumerate(names)]


def _referenced(rules: Sequence[MatchRule]) -> int:
    """The address ranges the rules name (`Total referenced IPv4/IPv6 ip-prefixes`)."""
    return sum(len(r.sources) + len(r.destinations) for r in rules)


def _selected(name: str | None, rule_name: str) -> bool:
    return name is None or name == rule_name


def _rpc_args(name: str | None, arg: str) -> dict[str, str | bool]:
    return {arg: name} if name else {"all": True}


# -- rules: what the three replies share -------------------------------------------------------------------


@dataclass(frozen=True)
class _RuleReply:
    """One kind's rule reply: its RPC, its element, its tags (each kind's own prefix on the match
    entries: `` for source rules, `rule-` destination, `static-` static) and its text's titles."""

    kind: str
    rpc: str
    root: str
    total_leaf: str  # the count under total-KIND-nat-rules
    prefix: str  # of the address and port range entries
    title: str  # the count's line
    rule_title: str  # a rule's heading

    def entries(self, info: Element) -> Iterator[Element]:
        return info.iterfind(f"{self.kind}-nat-rule-entry")


_SOURCE = _RuleReply(
    "source", "get-source-nat-rule-sets-information", "source-nat-rule-detail-information", "total-src-rules", "",
    "Total rules", "source NAT rule",
)  # fmt: skip
_DESTINATION = _RuleReply(
    "destination", "get-destination-nat-rule-sets-information", "destination-nat-rule-information", "total-dst-rules",
    "rule-", "Total destination-nat rules", "Destination NAT rule",
)  # fmt: skip
_STATIC = _RuleReply(
    "static", "get-static-nat-rule-information", "static-nat-rule-information", "total-rules", "static-",
    "Total static-nat rules", "Static NAT rule",
)  # fmt: skip

RuleBody = Callable[[Element, Any, RuleCounters], None]


def _rules_xml(
    nat: Nat, reply: _RuleReply, rules: Sequence[Rule], referenced: int, name: str | None, body: RuleBody
) -> Element:
    """The reply: its totals, then each selected rule's head (names, places, `from`) and `body`."""
    info = E(reply.root, ns=NS)
    sub(sub(info, f"total-{reply.kind}-nat-rules"), reply.total_leaf, len(rules))
    ref = f"total-{reply.kind}-nat-rule-ref-addr-num"
    total = sub(info, ref)
    sub(total, f"{ref}-v4", referenced)
    sub(total, f"{ref}-v6", 0)
    for rule in rules:
        if _selected(name, rule.name):
            entry = sub(info, f"{reply.kind}-nat-rule-entry")
            sub(entry, "rule-name", rule.name)
            sub(entry, "rule-set-name", rule.rule_set)
            sub(entry, "rule-id", rule.id)
            sub(entry, "rule-matching-position", rule.position)
            _context(entry, "from", rule.from_context)
            body(entry, rule, nat.counters.get(rule.key) or RuleCounters())
    return info


def _rules_lines(info: Element, reply: _RuleReply, body: Callable[[Element], list[str]]) -> list[str]:
    ref = f"total-{reply.kind}-nat-rule-ref-addr-num"
    lines = [
        f"{reply.title}: {text_of(info, f'total-{reply.kind}-nat-rules/{reply.total_leaf}', '0')}",
        f"Total referenced IPv4/IPv6 ip-prefixes: {text_of(info, f'{ref}/{ref}-v4', '0')}/"
        f"{text_of(info, f'{ref}/{ref}-v6', '0')}",
    ]
    for entry in reply.entries(info):
        lines.append(f"{reply.rule_title}: {text_of(entry, 'rule-name')}")
        lines.append(_field("Rule set", text_of(entry, "rule-set-name")))
        lines.append(_field("Rule Id", text_of(entry, "rule-id")))
        lines.append(_field("Rule position", text_of(entry, "rule-matching-position")))
        lines += _context_lines(entry, "from")
        lines += body(entry)
    return lines


def _rules(
    nat: Nat,
    reply: _RuleReply,
    rules: Sequence[Rule],
    referenced: int,
    name: str | None,
    body: RuleBody,
    render: Callable[[Element], list[str]],
) -> Structured:
    info = _rules_xml(nat, reply, rules, referenced, name, body)
    return Structured(info, render, reply.rpc, _rpc_args(name, "rule-name"))


def _addresses_xml(entry: Element, reply: _RuleReply, side: str, ranges: Ranges) -> None:
    """A rule's source or destination address ranges (`any` as the whole space)."""
    block = sub(entry, f"{reply.prefix}{side}-address-range-entry")
    for low, high in ranges_text(ranges):
        sub(block, f"rule-{side}-address-low-range", low)
        sub(block, f"rule-{side}-address-high-range", high)


def _ports_xml(entry: Element, reply: _RuleReply, side: str, ranges: Ranges) -> None:
    if not ranges:
        return
    block = sub(entry, f"{reply.prefix}{side}-port-entry")
    for low, high in ranges:
        sub(block, f"rule-{side}-port-low", low)
        sub(block, f"rule-{side}-port-high", high)


def _range_lines(entry: Element, reply: _RuleReply, what: str, label: str, indent: int = 4) -> list[str]:
    """`Label : low - high` for each range of the `what` entry (`source-address`, `destination-port`)."""
    found = entry.find(f"{reply.prefix}{what}-entry" if what.endswith("port") else f"{reply.prefix}{what}-range-entry")
    if found is None:
        return []
    lows = [e.text or "" for e in found if e.tag.endswith("-low-range") or e.tag.endswith("-low")]
    highs = [e.text or "" for e in found if e.tag.endswith("-high-range") or e.tag.endswith("-high")]
    return [
        _field(label if n == 0 else "", _pair(lo, hi), indent)
        for n, (lo, hi) in enumerate(zip(lows, highs, strict=False))
    ]


def _protocols_xml(entry: Element, nat_prefix: str, protocols: tuple[str, ...]) -> None:
    if protocols:
        block = sub(entry, f"{nat_prefix}-protocol-entry")
        for proto in protocols:
            sub(block, f"{nat_prefix}-protocol", proto)


def _protocol_lines(entry: Element, nat_prefix: str) -> list[str]:
    protocols = [e.text or "" for e in entry.iterfind(f"{nat_prefix}-protocol-entry/{nat_prefix}-protocol")]
    return [_field("IP protocol", ", ".join(protocols), 4)] if protocols else []


def _action(rule: MatchRule) -> str:
    return rule.pool if rule.action == "pool" and rule.pool else rule.action


def _hits(parent: Element, counters: RuleCounters, failed: bool = True) -> None:
    sub(parent, "rule-translation-hits", counters.translation_hits)
    sub(parent, "succ-hits", counters.successful)
    if failed:
        sub(parent, "failed-hits", counters.failed)
    sub(parent, "concurrent-hits", counters.sessions)


def _hit_lines(hits: Element | None) -> list[str]:
    return [
        _field("Translation hits", text_of(hits, "rule-translation-hits", "0")),
        _field("Successful sessions", text_of(hits, "succ-hits", "0"), 4),
        _field("Number of sessions", text_of(hits, "concurrent-hits", "0")),
    ]


# -- source rules (get-source-nat-rule-sets-information) ---------------------------------------------------


def _source_rule(entry: Element, rule: SourceRule, counters: RuleCounters) -> None:
    _context(entry, "to", rule.to_context)
    _addresses_xml(entry, _SOURCE, "source", rule.sources)
    _addresses_xml(entry, _SOURCE, "destination", rule.destinations)
    _ports_xml(entry, _SOURCE, "source", rule.source_ports)
    _ports_xml(entry, _SOURCE, "destination", rule.destination_ports)
    _protocols_xml(entry, "src-nat", rule.protocols)
    if rule.applications:
        sub(sub(entry, "src-nat-app-entry"), "src-nat-application", "configured")
    action = sub(entry, "source-nat-rule-action-entry")
    sub(action, "source-nat-rule-action", _action(rule))
    if rule.action != "off":
        sub(action, "persistent-nat-type", "N/A")
        sub(action, "persistent-nat-mapping-type", "address-port-mapping")
        sub(action, "persistent-nat-timeout", 0)
        sub(action, "persistent-nat-max-session", 0)
        sub(action, "persistent-nat-block-session", "disabled")
    _hits(sub(entry, "source-nat-rule-hits-entry"), counters)


def _source_rule_lines(entry: Element) -> list[str]:
    lines = _context_lines(entry, "to")
    lines.append("  Match")
    lines += _range_lines(entry, _SOURCE, "source-address", "Source addresses")
    lines += _range_lines(entry, _SOURCE, "destination-address", "Destination addresses")
    lines += _range_lines(entry, _SOURCE, "source-port", "Source port")
    lines += _range_lines(entry, _SOURCE, "destination-port", "Destination port")
    lines += _protocol_lines(entry, "src-nat")
    if entry.find("src-nat-app-entry") is not None:
        lines.append(_field("Application", text_of(entry, "src-nat-app-entry/src-nat-application"), 4))
    action = entry.find("source-nat-rule-action-entry")
    lines.append(_field("Action", text_of(action, "source-nat-rule-action"), 2, 32))
    if action is not None and action.find("persistent-nat-type") is not None:
        a = lambda path, e=action: text_of(e, path)  # noqa: E731
        lines.append(_field("Persistent NAT type", a("persistent-nat-type"), 4, 32))
        lines.append(_field("Persistent NAT mapping type", a("persistent-nat-mapping-type"), 4, 32))
        lines.append(_field("Inactivity timeout", a("persistent-nat-timeout"), 4, 32))
        lines.append(_field("Max session number", a("persistent-nat-max-session"), 4, 32))
        lines.append(f"    Persistent NAT block session: {a('persistent-nat-block-session')}")
    return lines + _hit_lines(entry.find("source-nat-rule-hits-entry"))


def source_rules(nat: Nat, name: str | None = None) -> Structured:
    """`show security nat source rule all|NAME`."""
    rules = nat.config.source_rules
    referenced = _referenced(rules)
    return _rules(nat, _SOURCE, rules, referenced, name, _source_rule, render_source_rules)


def render_source_rules(info: Element) -> list[str]:
    return _rules_lines(info, _SOURCE, _source_rule_lines)


# -- destination rules (get-destination-nat-rule-sets-information) -------------------------------------------


def _destination_rule(entry: Element, rule: DestinationRule, counters: RuleCounters) -> None:
    if rule.sources:
        _addresses_xml(entry, _DESTINATION, "source", rule.sources)
    if rule.any_unicast:
        sub(entry, "rule-destination-address-any-unicast")
    else:
        _addresses_xml(entry, _DESTINATION, "destination", rule.destinations)
    _ports_xml(entry, _DESTINATION, "destination", rule.destination_ports)
    _protocols_xml(entry, "destination-nat", rule.protocols)
    if rule.applications:
        sub(entry, "destination-nat-application", "configured")
    sub(entry, "destination-nat-rule-action", _action(rule))
    _hits(entry, counters)


def _destination_rule_lines(entry: Element) -> list[str]:
    lines = _range_lines(entry, _DESTINATION, "source-address", "Source addresses")
    if entry.find("rule-destination-address-any-unicast") is not None:
        lines.append(_field("Destination addresses", "any-unicast", 4))
    lines += _range_lines(entry, _DESTINATION, "destination-address", "Destination addresses")
    lines += _range_lines(entry, _DESTINATION, "destination-port", "Destination port")
    lines += _protocol_lines(entry, "destination-nat")
    if entry.find("destination-nat-application") is not None:
        lines.append(_field("Application", text_of(entry, "destination-nat-application"), 4))
    lines.append(_field("Action", text_of(entry, "destination-nat-rule-action")))
    return lines + _hit_lines(entry)


def destination_rules(nat: Nat, name: str | None = None) -> Structured:
    """`show security nat destination rule all|NAME`."""
    rules = nat.config.destination_rules
    referenced = _referenced(rules)
    return _rules(nat, _DESTINATION, rules, referenced, name, _destination_rule, render_destination_rules)


def render_destination_rules(info: Element) -> list[str]:
    return _rules_lines(info, _DESTINATION, _destination_rule_lines)


# -- static rules (get-static-nat-rule-information) ---------------------------------------------------------


def _static_rule(entry: Element, rule: StaticRule, counters: RuleCounters) -> None:
    if rule.sources:
        _addresses_xml(entry, _STATIC, "source", rule.sources)
    _ports_xml(entry, _STATIC, "source", rule.source_ports)
    sub(entry, "rule-destination-address-prefix", addr_text(rule.destination))
    if rule.destination_ports is not None:
        sub(entry, "rule-destination-port-low", rule.destination_ports[0])
        sub(entry, "rule-destination-port-high", rule.destination_ports[1])
    sub(entry, "rule-host-address-prefix", addr_text(rule.host))
    if rule.host_ports is not None:
        sub(entry, "rule-host-port-low", rule.host_ports[0])
        sub(entry, "rule-host-port-high", rule.host_ports[1])
    sub(entry, "rule-address-netmask", rule.length)
    sub(entry, "rule-host-routing-instance", rule.host_instance or "N/A")
    _hits(entry, counters, failed=False)


def _static_rule_lines(entry: Element) -> list[str]:
    t = lambda path: text_of(entry, path)  # noqa: E731
    lines = _range_lines(entry, _STATIC, "source-address", "Source addresses", 2)
    lines += _range_lines(entry, _STATIC, "source-port", "Source port", 2)
    lines.append(_field("Destination addresses", t("rule-destination-address-prefix")))
    if entry.find("rule-destination-port-low") is not None:
        lines.append(_field("Destination port", _pair(t("rule-destination-port-low"), t("rule-destination-port-high"))))
    lines.append(_field("Host addresses", t("rule-host-address-prefix")))
    if entry.find("rule-host-port-low") is not None:
        lines.append(_field("Host port", _pair(t("rule-host-port-low"), t("rule-host-port-high"))))
    lines.append(_field("Netmask", t("rule-address-netmask")))
    lines.append(_field("Host routing-instance", t("rule-host-routing-instance")))
    return lines + _hit_lines(entry)


def static_rules(nat: Nat, name: str | None = None) -> Structured:
    """`show security nat static rule all|NAME`."""
    rules = nat.config.static_rules
    referenced = sum(2 + len(r.sources) for r in rules)
    return _rules(nat, _STATIC, rules, referenced, name, _static_rule, render_static_rules)


def render_static_rules(info: Element) -> list[str]:
    return _rules_lines(info, _STATIC, _static_rule_lines)


# -- source pools (retrieve-source-nat-pool-information) ----------------------------------------------------


def _pool_ports(pool: SourcePool) -> str:
    return f"[{pool.port_low}, {pool.port_high}]" if pool.translate_ports else "no translation"


def source_pools_xml(nat: Nat, name: str | None = None) -> Element:
    pools = nat.config.source_pools
    info = E("source-nat-pool-detail-information", ns=NS)
    sub(sub(info, "total-source-nat-pools"), "total-source-pools", len(pools))
    allocator = nat.allocator
    for pool in pools.values():
        if not _selected(name, pool.name):
            continue
        entry = sub(info, "source-nat-pool-info-entry")
        sub(entry, "pool-name", pool.name)
        sub(entry, "pool-id", pool.id)
        sub(entry, "routing-instance-name", pool.routing_instance)
        base = pool.host_address_base
        sub(entry, "host-address-base", addr_text(base if base is not None else 0))
        sub(entry, "source-pool-port-translation", _pool_ports(pool))
        sub(entry, "port-overloading-factor", 1)
        sub(entry, "source-pool-address-assignment", "paired" if pool.paired else "no-paired")
        sub(entry, "total-pool-address", pool.size)
        sub(entry, "address-pool-hits", allocator.hits.get(pool.name, 0))
        used_total = 0
        for lo, hi in pool.ranges:
            used = sum(allocator.ports_used(a) for a in range(lo, hi + 1)) if pool.translate_ports else 0
            used_total += used
            block = sub(entry, "source-pool-address-range")
            sub(block, "address-range-low", addr_text(lo))
            sub(block, "address-range-high", addr_text(hi))
            sub(block, "single-port", used)
            sub(block, "twin-port", 0)
        total = sub(entry, "source-pool-address-range-sum")
        sub(total, "single-port-sum", used_total)
        sub(total, "twin-port-sum", 0)
    return info


def render_source_pools(info: Element) -> list[str]:
    lines = [f"Total pools: {text_of(info, 'total-source-nat-pools/total-source-pools', '0')}"]
    for entry in info.iterfind("source-nat-pool-info-entry"):
        t = lambda path, e=entry: text_of(e, path)  # noqa: E731
        lines += [
            "",
            f"Pool name          : {t('pool-name')}",
            f"Pool id            : {t('pool-id')}",
            f"Routing instance   : {t('routing-instance-name')}",
            f"Host address base  : {t('host-address-base')}",
            f"Port               : {t('source-pool-port-translation')}",
            f"Port overloading   : {t('port-overloading-factor')}",
            f"Address assignment : {t('source-pool-address-assignment')}",
            f"Total addresses    : {t('total-pool-address')}",
            f"Translation hits   : {t('address-pool-hits')}",
            f"{'Address range':<37}{'Single Ports':<15}Twin Ports",
        ]
        for block in entry.iterfind("source-pool-address-range"):
            b = lambda path, e=block: text_of(e, path)  # noqa: E731
            span_text = f"{b('address-range-low')} - {b('address-range-high')}"
            lines.append(f"{span_text:>32}{b('single-port'):>12}{b('twin-port'):>15}")
        lines.append(
            f"{'Total used ports   :':<32}{t('source-pool-address-range-sum/single-port-sum'):>12}"
            f"{t('source-pool-address-range-sum/twin-port-sum'):>15}"
        )
    return lines


def source_pools(nat: Nat, name: str | None = None) -> Structured:
    """`show security nat source pool all|NAME`."""
    rpc_args = _rpc_args(name, "pool-name")
    return Structured(
        source_pools_xml(nat, name), render_source_pools, "retrieve-source-nat-pool-information", rpc_args
    )


# -- source summary (retrieve-source-nat-summary) -------------------------------------------------------


def source_summary_xml(nat: Nat) -> Element:
    config = nat.config
    info = E("ssg-source-nat-summary-information", ns=NS)
    pat_ports = sum((p.port_high - p.port_low + 1) * p.size for p in config.source_pools.values() if p.translate_ports)
    sub(sub(info, "ssg-total-source-pat-port-num"), "total-source-summary-pat-port-num", pat_ports)
    sub(sub(info, "ssg-max-source-pat-port-num"), "max-source-pat-port-num", MAX_PAT_PORTS)
    sub(sub(info, "ssg-total-source-pool-num"), "total-source-summary-pools", len(config.source_pools))
    for pool in config.source_pools.values():
        entry = sub(info, "ssg-source-pool-entry")
        sub(entry, "ssg-source-pool-name", pool.name)
        for lo, hi in pool.ranges:
            sub(entry, "ssg-source-pool-address-range", f"{addr_text(lo)}-{addr_text(hi)}")
        sub(entry, "ssg-source-pool-routing-instance", pool.routing_instance)
        sub(entry, "ssg-source-pool-pat", "yes" if pool.translate_ports else "no")
        sub(entry, "ssg-source-pool-total-address", pool.size)
    sub(sub(info, "ssg-total-source-rule-num"), "summary-total-source-rules", len(config.source_rules))
    for rule in config.source_rules:
        entry = sub(info, "ssg-source-rule-entry")
        sub(entry, "ssg-source-rule-name", rule.name)
        sub(entry, "ssg-source-rule-set-name", rule.rule_set)
        sub(entry, "ssg-source-rule-action", rule.pool if rule.action == "pool" else rule.action)
        for name in rule.from_context.names:
            sub(entry, "ssg-source-rule-context-from", name)
        for name in rule.to_context.names:
            sub(entry, "ssg-source-rule-context-to", name)
    return info


def _stops(fields: list[str], stops: list[int]) -> str:
    """Fields at tab stops: each starts at its stop, or one space after a field that ran past it."""
    line = ""
    for text, stop in zip(fields, [*stops, 0], strict=False):
        line += text
        if stop:
            line = line.ljust(stop) if len(line) < stop else line + " "
    return line.rstrip()


_SUMMARY_STOPS = [21, 46, 67, 72]


def render_source_summary(info: Element) -> list[str]:
    lines = [
        "Total port number usage for port translation pool: "
        f"{text_of(info, 'ssg-total-source-pat-port-num/total-source-summary-pat-port-num', '0')}",
        "Maximum port number for port translation pool: "
        f"{text_of(info, 'ssg-max-source-pat-port-num/max-source-pat-port-num')}",
        f"Total pools: {text_of(info, 'ssg-total-source-pool-num/total-source-summary-pools', '0')}",
        _stops(["Pool", "Address", "Routing", "PAT", "Total"], _SUMMARY_STOPS),
        _stops(["Name", "Range", "Instance", "", "Address"], _SUMMARY_STOPS),
    ]
    for entry in info.iterfind("ssg-source-pool-entry"):
        t = lambda path, e=entry: text_of(e, path)  # noqa: E731
        ranges = [e.text or "" for e in entry.iterfind("ssg-source-pool-address-range")] or [""]
        fields = [
            t("ssg-source-pool-name"),
            ranges[0],
            t("ssg-source-pool-routing-instance"),
            t("ssg-source-pool-pat"),
            t("ssg-source-pool-total-address"),
        ]
        lines.append(_stops(fields, _SUMMARY_STOPS))
        lines += [" " * _SUMMARY_STOPS[0] + extra for extra in ranges[1:]]
    lines += ["", f"Total rules: {text_of(info, 'ssg-total-source-rule-num/summary-total-source-rules', '0')}"]
    for entry in info.iterfind("ssg-source-rule-entry"):
        t = lambda path, e=entry: text_of(e, path)  # noqa: E731
        lines += [
            f"Rule name : {t('ssg-source-rule-name')}",
            f"    Rule set  : {t('ssg-source-rule-set-name')}",
            f"    Action    : {t('ssg-source-rule-action')}",
        ]
        froms = [e.text or "" for e in entry.iterfind("ssg-source-rule-context-from")]
        tos = [e.text or "" for e in entry.iterfind("ssg-source-rule-context-to")]
        for n in range(max(len(froms), len(tos))):
            source = froms[n] if n < len(froms) else ""
            to = f"To : {tos[n]}" if n < len(tos) else ""
            lines.append(f"    From      : {source:<22}{to}".rstrip())
    return lines


def source_summary(nat: Nat) -> Structured:
    """`show security nat source summary`."""
    return Structured(source_summary_xml(nat), render_source_summary, "retrieve-source-nat-summary")


# -- destination pools (get-destination-nat-pool-information) ------------------------------------------------


def _destination_pool(parent: Element, pool: DestinationPool, hits: int) -> None:
    entry = sub(parent, "destination-nat-pool-entry")
    sub(entry, "pool-name", pool.name)
    sub(entry, "pool-id", pool.id)
    sub(entry, "routing-instance-name", pool.routing_instance)
    sub(entry, "total-pool-address", pool.size)
    sub(entry, "address-pool-hits", hits)
    block = sub(entry, "pool-address-range")
    sub(block, "address-range-low", addr_text(pool.low))
    sub(block, "address-range-high", addr_text(pool.high))
    sub(block, "address-port", pool.port if pool.port is not None else 0)


def _destination_pool_hits(nat: Nat) -> dict[str, int]:
    """A destination pool's translation hits: those of the rules that send to it."""
    hits: dict[str, int] = {}
    for rule in nat.config.destination_rules:
        if rule.pool is not None:
            counters = nat.counters.get(rule.key) or RuleCounters()
            hits[rule.pool] = hits.get(rule.pool, 0) + counters.successful
    return hits


def destination_pools_xml(nat: Nat, name: str | None = None) -> Element:
    pools = nat.config.destination_pools
    info = E("destination-nat-pool-information", ns=NS)
    sub(info, "total-destination-nat-pools", len(pools))
    hits = _destination_pool_hits(nat)
    for pool in pools.values():
        if _selected(name, pool.name):
            _destination_pool(info, pool, hits.get(pool.name, 0))
    return info


def render_destination_pools(info: Element) -> list[str]:
    lines = [f"Total destination-nat pools: {text_of(info, 'total-destination-nat-pools', '0')}"]
    for entry in info.iterfind("destination-nat-pool-entry"):
        t = lambda path, e=entry: text_of(e, path)  # noqa: E731
        lines += [
            "",
            f"Pool name       : {t('pool-name')}",
            f"Pool id         : {t('pool-id')}",
            f"Routing instance: {t('routing-instance-name')}",
            f"Total address   : {t('total-pool-address')}",
            f"Translation hits: {t('address-pool-hits')}",
            f"{'Address range':<32}Port",
        ]
        for block in entry.iterfind("pool-address-range"):
            b = lambda path, e=block: text_of(e, path)  # noqa: E731
            lines.append(f"{b('address-range-low') + ' - ' + b('address-range-high'):>31}{b('address-port'):>6}")
    return lines


def destination_pools(nat: Nat, name: str | None = None) -> Structured:
    """`show security nat destination pool all|NAME`."""
    rpc_args = _rpc_args(name, "pool-name")
    return Structured(
        destination_pools_xml(nat, name), render_destination_pools, "get-destination-nat-pool-information", rpc_args
    )


# -- destination summary (retrieve-destination-nat-summary-information) ----------------------------------------


def destination_summary_xml(nat: Nat) -> Element:
    config = nat.config
    info = E("destination-nat-summary-information", ns=NS)
    sub(info, "total-destination-nat-pools", len(config.destination_pools))
    for pool in config.destination_pools.values():
        entry = sub(info, "destination-nat-pool-summary-entry")
        sub(entry, "pool-name", pool.name)
        sub(entry, "pool-address-range", f"{addr_text(pool.low)} - {addr_text(pool.high)}")
        sub(entry, "routing-instance-name", pool.routing_instance)
        sub(entry, "address-port", pool.port if pool.port is not None else 0)
        sub(entry, "total-pool-address", pool.size)
    sub(info, "total-destination-nat-rules", len(config.destination_rules))
    for rule in config.destination_rules:
        entry = sub(info, "destination-nat-rule-summary-entry")
        sub(entry, "rule-name", rule.name)
        sub(entry, "rule-set-name", rule.rule_set)
        for name in rule.from_context.names:
            sub(entry, "rule-from-context-name", name)
        sub(entry, "destination-nat-rule-action", rule.pool if rule.action == "pool" else rule.action)
    return info


_DESTINATION_POOL_STOPS = [21, 46, 67, 73]
_DESTINATION_RULE_STOPS = [21, 36, 54]


def render_destination_summary(info: Element) -> list[str]:
    lines = [
        f"Total pools: {text_of(info, 'total-destination-nat-pools', '0')}",
        _stops(["Pool name", "Address", "Routing", "Port", "Total"], _DESTINATION_POOL_STOPS),
        _stops(["", "Range", "Instance", "", "Address"], _DESTINATION_POOL_STOPS),
    ]
    for entry in info.iterfind("destination-nat-pool-summary-entry"):
        t = lambda path, e=entry: text_of(e, path)  # noqa: E731
        fields = [
            t("pool-name"),
            t("pool-address-range"),
            t("routing-instance-name"),
            t("address-port"),
            t("total-pool-address"),
        ]
        lines.append(_stops(fields, _DESTINATION_POOL_STOPS))
    lines += [
        "",
        f"Total rules: {text_of(info, 'total-destination-nat-rules', '0')}",
        _stops(["Rule name", "Rule set", "From", "Action"], _DESTINATION_RULE_STOPS),
    ]
    for entry in info.iterfind("destination-nat-rule-summary-entry"):
        t = lambda path, e=entry: text_of(e, path)  # noqa: E731
        froms = [e.text or "" for e in entry.iterfind("rule-from-context-name")] or [""]
        fields = [t("rule-name"), t("rule-set-name"), froms[0], t("destination-nat-rule-action")]
        lines.append(_stops(fields, _DESTINATION_RULE_STOPS))
        lines += [" " * _DESTINATION_RULE_STOPS[1] + extra for extra in froms[1:]]
    return lines


def destination_summary(nat: Nat) -> Structured:
    """`show security nat destination summary`."""
    return Structured(
        destination_summary_xml(nat), render_destination_summary, "retrieve-destination-nat-summary-information"
    )


__all__ = [
    "destination_pools",
    "destination_rules",
    "destination_summary",
    "render_destination_pools",
    "render_destination_rules",
    "render_destination_summary",
    "render_source_pools",
    "render_source_rules",
    "render_source_summary",
    "render_static_rules",
    "source_pools",
    "source_rules",
    "source_summary",
    "static_rules",
]
