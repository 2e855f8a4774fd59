"""`show security policies [from-zone A] [to-zone B] [policy-name P] [detail] [global]`,
`show security policies hit-count` and `show security match-policies ...`: each built as the XML
Junos answers its RPC with (get-firewall-policies -> `<security-policies>`, get-global-firewall-
policies -> `<security-global-policies>`, get-security-policies-hit-count -> `<policy-hit-count>`,
match-firewall-policies -> `<security-policy-match>`), and rendered to text from it as the vSRX 24.4
captures lay it out (reference junos-output/show_security_policies*__vsrx_24.4.txt).

Known element names (published replies and parsers): security-context, context-information with
source-zone-name and destination-zone-name, policies, policy-information with policy-name,
policy-state, policy-identifier, scope-policy-identifier, policy-sequence-number,
source-addresses/source-address/address-name, destination-addresses/..., applications/application/
application-name, policy-action/action-type, policy-tcp-options; policy-hit-count with
logical-system-name and policy-hit-count-entry (-index, -from-zone, -to-zone, -policy-name, -count,
-action). The header lines (default policy ...), the detail view's address, application-term and
log elements, and the global policies' zone lists are named by this simulator (no capture found).

Numbers as the captures show them: the hit-count table lists default-policy (1) and
default-http-mux (2) first, as vSRX 24.4 does; match-policies answers a flow no policy matches
with `Default-Policy, action-type: deny-all ... Index: 2`, as a live capture does (sessions name
that policy default-policy-logical-system-00/2).
"""

from __future__ import annotations

from nos.features.flow.addresses import Address, AddressMatch
from nos.features.flow.applications import Application, protocol_text
from nos.features.flow.policies import DEFAULT_POLICY, GLOBAL, Policy
from nos.features.flow.security import SecurityConfig, SecurityPolicies
from nos.runtime.structured import JUNOS, E, Element, Structured, sub, text_of

ALL_ZONE = "all-zone"


# -- <policy-information> ------------------------------------------------------------------------------


def _policy(parent: Element, policy: Policy, config: SecurityConfig, detail: bool) -> Element:
    style = "detail" if detail else "brief"
    info = sub(parent, "policy-information", junos_style=style)
    sub(info, "policy-name", policy.name)
    sub(info, "policy-state", "enabled")
    sub(info, "policy-identifier", policy.index)
    sub(info, "scope-policy-identifier", 0)
    sub(info, "policy-sequence-number", policy.sequence)
    if policy.description:
        sub(info, "policy-description", policy.description)
    if detail:
        sub(info, "policy-type", "Configured")
        sub(info, "source-zone-name", policy.from_zone)
        sub(info, "destination-zone-name", policy.to_zone)
    if policy.is_global:
        for tag, zones in (("from-zones", policy.from_zones), ("to-zones", policy.to_zones)):
            listed = sub(info, tag)
            for zone in zones or ("any",):
                sub(listed, "zone-name", zone)
    _addresses(info, "source", policy.source, detail)
    _addresses(info, "destination", policy.destination, detail)
    apps = sub(info, "applications", junos_style=style)
    if detail:
        resolved = [config.applications.resolve(n) or () for n in policy.applications] if policy.apps else []
        if not resolved:
            _application(apps, "any", None)
        for app in dict.fromkeys(a for found in resolved for a in found):
            _application(apps, app.name, app)
    else:
        for name in policy.applications:
            sub(sub(apps, "application"), "application-name", name)
    action = sub(info, "policy-action")
    sub(action, "action-type", policy.action)
    if policy.action == "permit":
        sub(action, "services-offload", policy.services_offload)
        tcp = sub(action, "policy-tcp-options")
        sub(tcp, "policy-tcp-options-syn-check", "Yes" if policy.syn_check else "No")
        sub(tcp, "policy-tcp-options-sequence-check", "Yes" if policy.sequence_check else "No")
        sub(tcp, "policy-tcp-options-window-scale", "Yes" if policy.window_scale else "No")
    if policy.tunnel:
        sub(action, "ipsec-vpn", policy.tunnel)
    if policy.log_init or policy.log_close:
        log = sub(action, "policy-log")
        if policy.log_init:
            sub(log, "session-init")
        if policy.log_close:
            sub(log, "session-close")
    if policy.count:
        sub(action, "policy-count")
    return info


def _addresses(info: Element, side: str, match: AddressMatch, detail: bool) -> None:
    holder = sub(info, f"{side}-addresses", junos_style="detail" if detail else "brief")
    if match.excluded:
        sub(holder, "excluded")
    if not detail:
        for name in match.names:
            sub(sub(holder, f"{side}-address"), "address-name", name)
        return
    for address in dict.fromkeys(match.addresses):
        _address(sub(holder, f"{side}-address"), address)


def _address(entry: Element, address: Address) -> None:
    sub(entry, "address-name", address.name)
    sub(entry, "address-book", address.book)
    sub(entry, "prefix", address.text)


def _application(apps: Element, name: str, app: Application | None) -> None:
    entry = sub(apps, "application")
    sub(entry, "application-name", name)
    for term in app.terms if app is not None else (None,):
        block = sub(entry, "application-term")
        if term is None:
            for tag, text in (("protocol-name", "0"), ("alg", "0"), ("inactivity-timeout", "0")):
                sub(block, tag, text)
            _ports(block, "source-port-range", None)
            _ports(block, "destination-port-range", None)
            continue
        assert app is not None
        sub(block, "protocol-name", protocol_text(term.protocol))
        sub(block, "alg", term.alg or "0")
        timeout = app.inactivity_timeout(term, term.protocol or 0)
        sub(block, "inactivity-timeout", "never" if timeout is None else timeout)
        _ports(block, "source-port-range", term.source_ports)
        _ports(block, "destination-port-range", term.destination_ports)


def _ports(block: Element, tag: str, ports: tuple[int, int] | None) -> None:
    holder = sub(block, tag)
    sub(holder, "low", ports[0] if ports else 0)
    sub(holder, "high", ports[1] if ports else 0)


# -- show security policies -----------------------------------------------------------------------------


def _selected(policies: tuple[Policy, ...], name: str | None) -> list[Policy]:
    return [p for p in policies if name is None or p.name == name]


def policies_xml(
    config: SecurityConfig,
    from_zone: str | None = None,
    to_zone: str | None = None,
    name: str | None = None,
    detail: bool = False,
) -> Element:
    root = E("security-policies", junos_style="detail" if detail else "brief")
    if from_zone is None and to_zone is None and name is None:
        sub(root, "default-policy", f"{config.policies.default_action}-all")
        sub(root, "default-policy-log-profile-id", 0)
        sub(root, "pre-id-default-policy", "permit-all")
        sub(root, "default-http-mux-policy", "permit-all")
    contexts = list(config.policies.contexts.items())
    if from_zone is None and to_zone is None:
        contexts.append(((GLOBAL, GLOBAL), config.policies.globals))
    for (source, destination), policies in contexts:
        if from_zone not in (None, source) or to_zone not in (None, destination):
            continue
        chosen = _selected(policies, name)
        if not chosen:
            continue
        context = sub(root, "security-context")
        info = sub(context, "context-information")
        sub(info, "source-zone-name", source)
        sub(info, "destination-zone-name", destination)
        listed = sub(context, "policies")
        for policy in chosen:
            _policy(listed, policy, config, detail)
    return root


def global_policies_xml(config: SecurityConfig, name: str | None = None, detail: bool = False) -> Element:
    root = E("security-global-policies", junos_style="detail" if detail else "brief")
    listed = sub(root, "policies")
    for policy in _selected(config.policies.globals, name):
        _policy(listed, policy, config, detail)
    return root


def _brief_lines(info: Element, indent: str) -> list[str]:
    t = lambda path: text_of(info, path)  # noqa: E731
    lines = [
        f"{indent}Policy: {t('policy-name')}, State: {t('policy-state')}, Index: {t('policy-identifier')}, "
        f"Scope Policy: {t('scope-policy-identifier')}, Sequence number: {t('policy-sequence-number')}, "
        "Log Profile ID: 0"
    ]
    pad = indent + "  "
    if t("policy-description"):
        lines.append(f"{pad}Description: {t('policy-description')}")
    for tag, label in (("from-zones", "From zones"), ("to-zones", "To zones")):
        if info.find(tag) is not None:
            lines.append(f"{pad}{label}: {', '.join(e.text or '' for e in info.iterfind(f'{tag}/zone-name'))}")
    lines += [f"{pad}Source vrf group: any", f"{pad}Destination vrf group: any"]
    for side, label in (("source", "Source"), ("destination", "Destination")):
        holder = info.find(f"{side}-addresses")
        excluded = "(excluded)" if holder is not None and holder.find("excluded") is not None else ""
        names = ", ".join(e.text or "" for e in info.iterfind(f"{side}-addresses/{side}-address/address-name"))
        lines.append(f"{pad}{label} addresses{excluded}: {names}")
    apps = ", ".join(e.text or "" for e in info.iterfind("applications/application/application-name"))
    lines += [f"{pad}Applications: {apps}", f"{pad}Source identity feeds: any", f"{pad}Destination identity feeds: any"]
    lines.append(f"{pad}Action: {', '.join(_actions(info))}")
    return lines


def _actions(info: Element) -> list[str]:
    action = info.find("policy-action")
    words = [text_of(action, "action-type")]
    if action is not None and action.find("policy-log") is not None:
        words.append("log")
    if action is not None and action.find("policy-count") is not None:
        words.append("count")
    return words


def _ports_text(holder: Element | None, single: bool) -> str:
    low, high = text_of(holder, "low", "0"), text_of(holder, "high", "0")
    return low if single and low == high and low != "0" else f"[{low}-{high}]"


def _detail_lines(info: Element) -> list[str]:
    t = lambda path: text_of(info, path)  # noqa: E731
    action = t("policy-action/action-type")
    head = f"Policy: {t('policy-name')}, action-type: {action}, "
    if action == "permit":
        head += f"services-offload:{t('policy-action/services-offload')} , "
    lines = [head + f"State: {t('policy-state')}, Index: {t('policy-identifier')}, Scope Policy: 0"]
    if t("policy-description"):
        lines.append(f"  Description: {t('policy-description')}")
    lines += [f"  Policy Type: {t('policy-type')}", f"  Sequence number: {t('policy-sequence-number')}"]
    if info.find("from-zones") is not None:
        for tag, label in (("from-zones", "From zones"), ("to-zones", "To zones")):
            lines.append(f"  {label}:")
            lines += [f"    {e.text}" for e in info.iterfind(f"{tag}/zone-name")]
    else:
        lines.append(f"  From zone: {t('source-zone-name')}, To zone: {t('destination-zone-name')}")
    lines += ["  Source vrf group:", "    any", "  Destination vrf group:", "    any"]
    for side, label in (("source", "Source"), ("destination", "Destination")):
        holder = info.find(f"{side}-addresses")
        excluded = "(excluded)" if holder is not None and holder.find("excluded") is not None else ""
        lines.append(f"  {label} addresses{excluded}:")
        for entry in info.iterfind(f"{side}-addresses/{side}-address"):
            a = lambda path, e=entry: text_of(e, path)  # noqa: E731
            lines.append(f"    {a('address-name')}({a('address-book')}): {a('prefix')}")
    for app in info.iterfind("applications/application"):
        lines.append(f"  Application: {text_of(app, 'application-name')}")
        for term in app.iterfind("application-term"):
            a = lambda path, e=term: text_of(e, path)  # noqa: E731
            lines.append(
                f"    IP protocol: {a('protocol-name')}, ALG: {a('alg')}, Inactivity timeout: {a('inactivity-timeout')}"
            )
            lines.append(f"      Source port range: {_ports_text(term.find('source-port-range'), False)}")
            lines.append(f"      Destination ports: {_ports_text(term.find('destination-port-range'), True)}")
    lines += ["  Source identity feeds:", "    any", "  Destination identity feeds:", "    any"]
    if action == "permit":
        syn, seq, window = (
            t(f"policy-action/policy-tcp-options/policy-tcp-options-{k}")
            for k in ("syn-check", "sequence-check", "window-scale")
        )
        lines.append(f"  Per policy TCP Options: SYN check: {syn}, SEQ check: {seq}, Window scale: {window}")
    log = info.find("policy-action/policy-log")
    if log is not None:
        moments = [
            word
            for tag, word in (("session-init", "at-create"), ("session-close", "at-close"))
            if log.find(tag) is not None
        ]
        lines.append(f"  Session log: {', '.join(moments)}")
    return lines


def _header_lines(root: Element) -> list[str]:
    if root.find("default-policy") is None:
        return []
    t = lambda path: text_of(root, path)  # noqa: E731
    return [
        f"Default policy: {t('default-policy')}",
        f"Default policy log Profile ID: {t('default-policy-log-profile-id')}",
        f"Pre ID default policy: {t('pre-id-default-policy')}",
        f"Default HTTP Mux policy: {t('default-http-mux-policy')}",
    ]


def render_policies(root: Element) -> list[str]:
    detail = root.get(_STYLE) == "detail"
    lines = _header_lines(root)
    blocks: list[list[str]] = []
    for context in root.iterfind("security-context"):
        source = text_of(context, "context-information/source-zone-name")
        destination = text_of(context, "context-information/destination-zone-name")
        policies = list(context.iterfind("policies/policy-information"))
        if detail:
            blocks += [_detail_lines(p) for p in policies]
            continue
        if source == GLOBAL:
            lines.append("Global policies:")
        else:
            lines.append(f"From zone: {source}, To zone: {destination}")
        for policy in policies:
            lines += _brief_lines(policy, "  ")
    return _join(lines, blocks)


def render_global(root: Element) -> list[str]:
    policies = list(root.iterfind("policies/policy-information"))
    if root.get(_STYLE) == "detail":
        return _join([], [_detail_lines(p) for p in policies])
    if not policies:
        return []
    return ["Global policies:"] + [line for p in policies for line in _brief_lines(p, "  ")]


def _join(lines: list[str], blocks: list[list[str]]) -> list[str]:
    """Detail blocks one after the other, a blank line between them."""
    for block in blocks:
        lines += ([""] if lines else []) + block
    return lines


_STYLE = f"{{{JUNOS}}}style"  # junos:style, as the root carries it


def policies(
    config: SecurityConfig,
    from_zone: str | None = None,
    to_zone: str | None = None,
    name: str | None = None,
    detail: bool = False,
    global_only: bool = False,
) -> Structured:
    args: dict[str, str | bool] = {}
    for key, text in (("from-zone", from_zone), ("to-zone", to_zone), ("policy-name", name)):
        if text:
            args[key] = text
    if detail:
        args["detail"] = True
    if global_only:
        args.pop("from-zone", None), args.pop("to-zone", None)
        return Structured(
            global_policies_xml(config, name, detail), render_global, "get-global-firewall-policies", args
        )
    xml = policies_xml(config, from_zone, to_zone, name, detail)
    return Structured(xml, render_policies, "get-firewall-policies", args)


# -- hit-count ------------------------------------------------------------------------------------------


def hit_count_xml(feature: SecurityPolicies, from_zone: str | None = None, to_zone: str | None = None) -> Element:
    config = feature.config
    root = E("policy-hit-count")
    sub(root, "logical-system-name", "root-logical-system")
    rows: list[tuple[int, str, str, str, int, str]] = []
    if from_zone is None and to_zone is None:
        default = "Permit" if config.policies.default_action == "permit" else "Deny"
        rows.append((1, ALL_ZONE, ALL_ZONE, "default-policy", feature.hit_count(None), default))
        rows.append((2, ALL_ZONE, ALL_ZONE, "default-http-mux", 0, "Permit"))
    for policy in config.policies.all():
        if from_zone not in (None, policy.from_zone) or to_zone not in (None, policy.to_zone):
            continue
        rows.append(
            (
                policy.index,
                policy.from_zone,
                policy.to_zone,
                policy.name,
                feature.hit_count(policy.key),
                policy.action.capitalize(),
            )
        )
    for index, source, destination, name, count, action in rows:
        entry = sub(root, "policy-hit-count-entry")
        sub(entry, "policy-hit-count-index", index)
        sub(entry, "policy-hit-count-from-zone", source)
        sub(entry, "policy-hit-count-to-zone", destination)
        sub(entry, "policy-hit-count-policy-name", name)
        sub(entry, "policy-hit-count-count", count)
        sub(entry, "policy-hit-count-action", action)
    return root


HIT_COLUMNS = (8, 25, 43, 58, 72)  # where each column after the first starts (a long value pushes the rest)


def columns(fields: list[str], stops: tuple[int, ...] = HIT_COLUMNS) -> str:
    """Fields laid out at fixed columns, with at least one space after one that overflows its column."""
    line = fields[0]
    for stop, field_text in zip(stops, fields[1:], strict=True):
        line = line.ljust(stop) if len(line) < stop else line + " "
        line += field_text
    return line


def render_hit_count(root: Element) -> list[str]:
    lines = [f"Logical system: {text_of(root, 'logical-system-name')}"]
    lines.append(columns(["Index", "From zone", "To zone", "Name", "Policy count", "Action"]))
    for entry in root.iterfind("policy-hit-count-entry"):
        t = lambda tag, e=entry: text_of(e, f"policy-hit-count-{tag}")  # noqa: E731
        lines.append(columns([t("index"), t("from-zone"), t("to-zone"), t("policy-name"), t("count"), t("action")]))
    return lines


def hit_count(feature: SecurityPolicies, from_zone: str | None = None, to_zone: str | None = None) -> Structured:
    args = {k: v for k, v in (("from-zone", from_zone), ("to-zone", to_zone)) if v}
    return Structured(
        hit_count_xml(feature, from_zone, to_zone), render_hit_count, "get-security-policies-hit-count", dict(args)
    )


# -- match-policies -------------------------------------------------------------------------------------


def match_xml(
    config: SecurityConfig, from_zone: str, to_zone: str, src: int, dst: int, protocol: int, sport: int,
    dport: int, count: int = 1, global_only: bool = False,
) -> Element:  # fmt: skip
    root = E("security-policy-match")
    found = config.policies.matching(from_zone, to_zone, src, dst, protocol, sport, dport)
    if global_only:
        found = [m for m in found if m[0].is_global]
    for policy, _, _ in found[:count]:
        _policy(root, policy, config, True)
    if len(found) < count:
        info = sub(root, "policy-information", junos_style="detail")
        sub(info, "policy-name", "Default-Policy")
        sub(info, "policy-state", "enabled")
        sub(info, "policy-identifier", DEFAULT_POLICY[1])
        sub(info, "policy-sequence-number", DEFAULT_POLICY[1])
        sub(sub(info, "policy-action"), "action-type", f"{config.policies.default_action}-all")
    return root


def render_match(root: Element) -> list[str]:
    blocks = []
    for info in root.iterfind("policy-information"):
        if info.find("policy-type") is None:  # the default policy
            t = lambda path, e=info: text_of(e, path)  # noqa: E731
            blocks.append(
                [
                    f"Policy: {t('policy-name')}, action-type: {t('policy-action/action-type')}, "
                    f"State: {t('policy-state')}, Index: {t('policy-identifier')}",
                    f"  Sequence number: {t('policy-sequence-number')}",
                ]
            )
        else:
            blocks.append(_detail_lines(info))
    return _join([], blocks)


def match_policies(
    config: SecurityConfig,
    args: dict[str, str | bool],
    flow: tuple[str, str, int, int, int, int, int],
    count: int,
    global_only: bool,
) -> Structured:
    xml = match_xml(config, *flow, count=count, global_only=global_only)
    return Structured(xml, render_match, "match-global-policies" if global_only else "match-firewall-policies", args)


__all__ = [
    "columns",
    "global_policies_xml",
    "hit_count",
    "hit_count_xml",
    "match_policies",
    "match_xml",
    "policies",
    "policies_xml",
    "render_hit_count",
    "render_match",
    "render_policies",
]
