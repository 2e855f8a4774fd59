"""Routing policy: `policy-options` compiled into terms, and the evaluation of a policy chain.

Semantics (semantics.md 3.7): conditions in one `from` are ANDed; prefix-list and
route-filter entries are ORed; a term without conditions matches everything;
`accept`/`reject` end the chain, `next policy` skips to the next policy, the
default after a match is the next term; attribute actions of a matching term
apply even when it goes on. A route-filter entry with its own action acts at
once and skips the term's `then`. When nothing accepts or rejects, the caller's
protocol default applies.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from nos.config.query import child, entries, flag, value, values
from nos.config.tree import Node
from nos.routing.prefix import MASKS, Prefix, addr, contains, prefix
from nos.routing.route import DISCARD, REJECT, VIA, NextHop, Route

# -- compiled policy ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RouteFilter:
    prefix: Prefix
    match: str  # exact | longer | orlonger | upto /n | prefix-length-range /a-/b | through P
    action: str | None = None  # accept | reject | next term | next policy

    def matches(self, p: Prefix) -> bool:
        net, plen = self.prefix
        if p[1] < plen or p[0] & MASKS[plen] != net:
            return False
        kind, _, arg = self.match.partition(" ")
        if kind == "exact":
            return p[1] == plen
        if kind == "longer":
            return p[1] > plen
        if kind == "orlonger":
            return True
        if kind == "upto":
            return p[1] <= int(arg.lstrip("/"))
        if kind == "prefix-length-range":
            lo, _, hi = arg.partition("-")
            return int(lo.lstrip("/")) <= p[1] <= int(hi.lstrip("/"))
        if kind == "through":
            other = prefix(arg)
            return contains(p, other) and p[1] <= other[1]
        return False


@dataclass
class Match:
    instance: str | None = None
    protocols: frozenset[str] = frozenset()
    prefix_lists: tuple[str, ...] = ()
    prefix_list_filters: tuple[tuple[str, str, str | None], ...] = ()  # (list, match type, action)
    route_filters: tuple[RouteFilter, ...] = ()
    conditions: tuple[str, ...] = ()
    metric: int | None = None
    local_pref: int | None = None
    tag: int | None = None
    rib: str | None = None
    empty: bool = True  # no condition at all: matches every route


@dataclass
class Actions:
    changes: dict[str, object] = field(default_factory=dict)  # route attribute -> new value
    prepend: tuple[str, ...] = ()
    flow: str | None = None  # accept | reject | next policy | next term


@dataclass
class Term:
    name: str
    match: Match
    actions: Actions


@dataclass
class Policy:
    name: str
    terms: list[Term]


def _match(node: Node | None) -> Match:
    if node is None or not node.children:
        return Match()
    m = Match(empty=False)
    m.instance = value(node, "instance")
    m.protocols = frozenset(values(node, "protocol"))
    m.prefix_lists = values(node, "prefix-list")
    m.prefix_list_filters = tuple(
        (key[0], key[1], _entry_action(entry)) for key, entry in entries(node, "prefix-list-filter").items()
    )
    m.route_filters = tuple(
        RouteFilter(prefix(key[0]), key[1], _entry_action(entry))
        for key, entry in entries(node, "route-filter").items()
    )
    m.conditions = values(node, "condition")
    for attr, name in (("metric", "metric"), ("local_pref", "local-preference"), ("tag", "tag")):
        v = value(node, name)
        if v is not None:
            setattr(m, attr, int(v))
    m.rib = value(node, "rib")
    return m


def _entry_action(entry: Node) -> str | None:
    if flag(entry, "accept"):
        return "accept"
    if flag(entry, "reject"):
        return "reject"
    nxt = value(entry, "next")
    return f"next {nxt}" if nxt else None


def _actions(node: Node | None) -> Actions:
    a = Actions()
    if node is None:
        return a
    for attr, name in (
        ("metric", "metric"),
        ("preference", "preference"),
        ("tag", "tag"),
        ("local_pref", "local-preference"),
    ):
        v = value(node, name)
        if v is not None:
            a.changes[attr] = int(v)
    next_hop = child(node, "next-hop")
    if flag(next_hop, "discard"):
        a.changes["next_hops"] = (NextHop(DISCARD),)
    elif flag(next_hop, "reject"):
        a.changes["next_hops"] = (NextHop(REJECT),)
    elif value(next_hop, "address"):
        a.changes["next_hops"] = (NextHop(VIA, addr(value(next_hop, "address") or "")),)
    prepend = value(node, "as-path-prepend")
    if prepend:
        a.prepend = tuple(prepend.split())
    if flag(node, "accept"):
        a.flow = "accept"
    elif flag(node, "reject"):
        a.flow = "reject"
    elif value(node, "next"):
        a.flow = f"next {value(node, 'next')}"
    return a


Compiled = tuple[dict[str, Policy], dict[str, list[Prefix]], dict[str, tuple[Prefix, str]]]


def compile_policies(root: Node, cache: dict | None = None) -> Compiled:
    """(policies, prefix lists, conditions) from the expanded configuration.

    With a `cache` (kept by the caller between commits), a statement whose node is the
    same object as last time (unchanged by the commit) is not compiled again, and an
    unchanged `policy-options` gives back the very same dicts.
    """
    po = child(root, "policy-options")
    if cache is not None:
        last = cache.get(None)
        if last is not None and last[0] is po:
            return last[1]
    seen: dict = {}

    def compiled(kind: str, name: str, entry: Node, make):  # type: ignore[no-untyped-def]
        held = cache.get((kind, name)) if cache is not None else None
        result = held[1] if held is not None and held[0] is entry else make(name, entry)
        seen[(kind, name)] = (entry, result)
        return result

    policies = {
        name: compiled("policy", name, entry, _policy) for (name,), entry in entries(po, "policy-statement").items()
    }
    prefix_lists = {
        name: compiled("prefix-list", name, entry, _prefix_list)
        for (name,), entry in entries(po, "prefix-list").items()
    }
    conditions: dict[str, tuple[Prefix, str]] = {}
    for (name,), entry in entries(po, "condition").items():
        spec = compiled("condition", name, entry, _condition)
        if spec is not None:
            conditions[name] = spec
    result = policies, prefix_lists, conditions
    if cache is not None:
        cache.clear()
        cache.update(seen)
        cache[None] = (po, result)
    return result


def _policy(name: str, entry: Node) -> Policy:
    terms = [
        Term(tname, _match(child(t, "from")), _actions(child(t, "then")))
        for (tname,), t in entries(entry, "term").items()
    ]
    if flag(entry, "from") or flag(entry, "then"):
        terms.append(Term("", _match(child(entry, "from")), _actions(child(entry, "then"))))
    return Policy(name, terms)


def _prefix_list(name: str, entry: Node) -> list[Prefix]:
    return [prefix(p[0]) for p in entries(entry, "prefix")]


def _condition(name: str, entry: Node) -> tuple[Prefix, str] | None:
    exists = child(entry, "if-route-exists")
    inet = child(child(exists, "address-family"), "inet")
    where = inet if inet is not None else exists
    address = value(where, "address")
    if address is None:
        return None
    return prefix(address), value(where, "table") or "inet.0"


# -- what a chain can accept (the routing engine's import index) ----------------------------------------


@dataclass(frozen=True)
class Reach:
    """The routes one accepting term can match: of `instance` and/or `rib` (None: any), with a
    prefix in `exact` or inside one of `within` (both None: any prefix)."""

    instance: str | None
    rib: str | None
    exact: tuple[Prefix, ...] | None
    within: tuple[Prefix, ...] | None


def reach(chain: tuple[str, ...], policies: dict[str, Policy], prefix_lists: dict[str, list[Prefix]]) -> list[Reach]:
    """What a policy chain may accept, from the `from` of its terms that can end in `accept`.

    An over-approximation (protocols, attributes and conditions are left to `evaluate`),
    never an under-approximation: a route outside every reach is never accepted.
    """
    out: list[Reach] = []
    for name in chain:
        policy = policies.get(name)
        if policy is None:
            continue
        for term in policy.terms:
            m = term.match
            accepts = (
                term.actions.flow == "accept"
                or any(action == "accept" for _, _, action in m.prefix_list_filters)
                or any(rf.action == "accept" for rf in m.route_filters)
            )
            if not accepts:
                continue
            if m.empty:
                out.append(Reach(None, None, None, None))
                continue
            exact: tuple[Prefix, ...] | None = None
            within: tuple[Prefix, ...] | None = None
            if m.prefix_lists or m.prefix_list_filters or m.route_filters:
                exact = tuple(p for n in m.prefix_lists for p in prefix_lists.get(n, ()))
                within = tuple(p for n, _, _ in m.prefix_list_filters for p in prefix_lists.get(n, ()))
                within += tuple(rf.prefix for rf in m.route_filters)
            out.append(Reach(m.instance, m.rib, exact, within))
    return out


def references(chain: tuple[str, ...], policies: dict[str, Policy]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(prefix lists, conditions) the policies of a chain refer to: what their verdicts depend on."""
    lists: set[str] = set()
    conditions: set[str] = set()
    for name in chain:
        policy = policies.get(name)
        for term in policy.terms if policy is not None else ():
            m = term.match
            lists.update(m.prefix_lists)
            lists.update(n for n, _, _ in m.prefix_list_filters)
            conditions.update(m.conditions)
    return tuple(sorted(lists)), tuple(sorted(conditions))


# -- evaluation ----------------------------------------------------------------------------------------


@dataclass
class Context:
    """What a match needs from the routing engine."""

    instance_of: Callable[[Route], str]  # the instance a route comes from ("master" for inet.0)
    prefix_lists: dict[str, list[Prefix]]
    condition: Callable[[str], bool]  # is condition C true now?


def _matches(m: Match, route: Route, ctx: Context) -> tuple[bool, str | None]:
    """Does the term match? Also returns a route-filter action that takes over, if one matched."""
    if m.empty:
        return True, None
    if m.instance is not None and ctx.instance_of(route) != m.instance:
        return False, None
    if m.protocols and route.protocol.lower() not in m.protocols:
        return False, None
    if m.metric is not None and route.metric != m.metric:
        return False, None
    if m.local_pref is not None and route.local_pref != m.local_pref:
        return False, None
    if m.tag is not None and route.tag != m.tag:
        return False, None
    if m.rib is not None and route.table != m.rib:
        return False, None
    for name in m.conditions:
        if not ctx.condition(name):
            return False, None
    action: str | None = None
    if m.prefix_lists or m.prefix_list_filters or m.route_filters:
        hit = any(route.prefix in ctx.prefix_lists.get(name, ()) for name in m.prefix_lists)
        if not hit:
            # Longest match: the longest filter prefix covering the route decides, whatever its match
            # type; when that type fails the term does not match (no fallback to a shorter filter).
            filters = [
                RouteFilter(p, kind, act)
                for name, kind, act in m.prefix_list_filters
                for p in ctx.prefix_lists.get(name, ())
            ]
            covering = [rf for rf in (*filters, *m.route_filters) if contains(rf.prefix, route.prefix)]
            longest = max((rf.prefix[1] for rf in covering), default=-1)
            for rf in covering:
                if rf.prefix[1] == longest and rf.matches(route.prefix):
                    hit, action = True, rf.action
                    break
        if not hit:
            return False, None
    return True, action


def evaluate(chain: list[str], policies: dict[str, Policy], route: Route, ctx: Context) -> tuple[str | None, dict]:
    """Run a policy chain on a route: ("accept" | "reject" | None, attribute changes)."""
    changes: dict[str, object] = {}
    prepend: list[str] = []
    for name in chain:
        policy = policies.get(name)
        if policy is None:
            continue
        for term in policy.terms:
            ok, filter_action = _matches(term.match, route, ctx)
            if not ok:
                continue
            if filter_action is not None:
                flow = filter_action
            else:
                changes.update(term.actions.changes)
                prepend.extend(term.actions.prepend)
                flow = term.actions.flow
            if flow in ("accept", "reject"):
                return flow, _finish(changes, prepend, route)
            if flow == "next policy":
                break
    return None, _finish(changes, prepend, route)


def _finish(changes: dict[str, object], prepend: list[str], route: Route) -> dict[str, object]:
    if prepend:
        changes["as_path"] = " ".join([*prepend, route.as_path or ""]).strip()
    return changes


__all__ = [
    "Compiled",
    "Context",
    "Policy",
    "Reach",
    "RouteFilter",
    "child",
    "compile_policies",
    "entries",
    "evaluate",
    "reach",
    "references",
    "value",
    "values",
]
