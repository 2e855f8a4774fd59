"""Compile parsed declarations (language.py) into the `Schema` model, and cache the result.

Parsing grammar/ with pyparsing takes a good fraction of a second, so the compiled
schema is pickled next to a fingerprint of the grammar files and nos's version;
start-up loads the pickle when the fingerprint matches.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path

from nos import __version__
from nos.schema.language import FLAG_ATTRS, Decl, SchemaSyntaxError
from nos.schema.model import CONTAINER, LEAF, LEAF_LIST, LIST, Key, Namespace, Schema, SchemaNode
from nos.schema.types import make_type


def _grammar_dir() -> Path:
    """grammar/ beside the package in a checkout, else the copy installed under <prefix>/share."""
    checkout = Path(__file__).resolve().parent.parent.parent / "grammar"
    if checkout.is_dir():
        return checkout
    return Path(sys.prefix) / "share" / "nos" / "grammar"


GRAMMAR_DIR = _grammar_dir()
ROOT_GROUPING = "configuration-root"  # `use configuration-root;` pastes the whole hierarchy (groups)


class SchemaError(Exception):
    """The grammar is well-formed text but inconsistent (unknown type, missing grouping...)."""


class _Compiler:
    def __init__(self) -> None:
        self.groupings: dict[str, Decl] = {}
        self.namespaces: dict[str, Namespace] = {}
        self.root = SchemaNode(CONTAINER, "configuration", help="Configuration root")
        self.apply_groups = SchemaNode(
            LEAF_LIST,
            "apply-groups",
            help="Groups from which to inherit configuration data",
            type=make_type("string"),
            ref="group",
        )
        self.apply_groups_except = SchemaNode(
            LEAF_LIST,
            "apply-groups-except",
            help="Don't inherit configuration data from these groups",
            type=make_type("string"),
            ref="group",
        )

    # -- collection -------------------------------------------------------------------------

    def collect(self, decls: list[Decl]) -> list[Decl]:
        """Record groupings and namespaces; return the remaining statements."""
        rest = []
        for d in decls:
            if d.kind == "grouping":
                if d.name in self.groupings:
                    raise SchemaError(f"{d.source}: grouping '{d.name}' defined twice")
                self.groupings[d.name] = d
            elif d.kind == "namespace":
                self.namespaces[d.name] = Namespace(d.name, d.help, tuple(d.attrs.get("builtin", ())))
            else:
                rest.append(d)
        return rest

    # -- building ---------------------------------------------------------------------------

    def fill(self, parent: SchemaNode, body: list[Decl], config: bool, stack: tuple[str, ...] = ()) -> None:
        """Add the statements of `body` to `parent`, expanding `use` and `choice`."""
        for d in body:
            if d.kind == "use":
                if d.name == ROOT_GROUPING:
                    self._share_root(parent)
                    continue
                if d.name in stack:
                    raise SchemaError(f"{d.source}: grouping '{d.name}' uses itself")
                try:
                    grouping = self.groupings[d.name]
                except KeyError:
                    raise SchemaError(f"{d.source}: unknown grouping '{d.name}'") from None
                self.fill(parent, grouping.body or [], config, stack + (d.name,))
            elif d.kind == "choice":
                members = [m for m in d.body or [] if m.kind not in ("use", "choice")]
                self.fill(parent, d.body or [], config, stack)
                names = tuple(m.name for m in members)
                for name in names:
                    parent.exclusive[name] = tuple(n for n in names if n != name)
            else:
                self.add(parent, self.build(d, config, stack), d)

    def _share_root(self, parent: SchemaNode) -> None:
        # Filled in after every file is read: see finish().
        parent.children = self.root.children
        parent.lookup = self.root.lookup
        parent.exclusive = self.root.exclusive

    def add(self, parent: SchemaNode, node: SchemaNode, d: Decl) -> None:
        existing = parent.children.get(node.name)
        if existing is not None:
            if existing.kind == CONTAINER and node.kind == CONTAINER and not (existing.action and node.action):
                self._merge(existing, node, d)  # one file re-opens another's container (`show`)
                return
            raise SchemaError(f"{d.source}: '{node.name}' declared twice under '{parent.name}'")
        node.index = len(parent.children)
        parent.children[node.name] = node
        if node.keyless:
            if parent.keyless_child is not None:
                raise SchemaError(f"{d.source}: '{parent.name}' already has a keyless child")
            parent.keyless_child = node
        else:
            parent.lookup[node.name] = node
        alias = d.attrs.get("alias")
        if isinstance(alias, str):
            parent.lookup[alias] = node
        if node.mandatory:
            parent.mandatory_children += (node.name,)

    def _merge(self, into: SchemaNode, extra: SchemaNode, d: Decl) -> None:
        into.action = into.action or extra.action
        into.help = into.help or extra.help
        for child in extra.children.values():
            if child.name in ("apply-groups", "apply-groups-except"):
                continue
            self.add(into, child, d)
            if child.name in extra.exclusive:
                into.exclusive[child.name] = extra.exclusive[child.name]

    def build(self, d: Decl, config: bool, stack: tuple[str, ...]) -> SchemaNode:
        a = d.attrs
        kind = {"flag": LEAF, "container": CONTAINER, "list": LIST, "leaf": LEAF, "leaf-list": LEAF_LIST}[d.kind]
        node = SchemaNode(kind, d.name, help=d.help, source=d.source)
        try:
            if d.type is not None:
                node.type = make_type(d.type.name, d.type.args)
            node.keys = [Key(k.name, make_type(k.type.name, k.type.args), k.keyword, k.ref) for k in d.keys]
        except (KeyError, ValueError) as exc:
            raise SchemaError(f"{d.source}: {exc}") from None
        for flag in FLAG_ATTRS:
            setattr(node, flag.replace("-", "_"), bool(a.get(flag, False)))
        node.default = a.get("default")  # type: ignore[assignment]
        node.ref = a.get("ref")  # type: ignore[assignment]
        node.unique = a.get("unique")  # type: ignore[assignment]
        node.action = a.get("action")  # type: ignore[assignment]
        node.defines = a.get("defines")  # type: ignore[assignment]
        if "max" in a:
            node.max = int(str(a["max"]))
        if node.has_body:
            self.fill(node, d.body or [], config, stack)
            if config:
                for extra in (self.apply_groups, self.apply_groups_except):
                    if extra.name not in node.lookup:
                        node.lookup[extra.name] = extra
        return node

    def finish(self) -> None:
        for extra in (self.apply_groups, self.apply_groups_except):
            self.root.lookup.setdefault(extra.name, extra)
            extra.index = -1  # Junos prints apply-groups first in its level...
        for rank, name in enumerate(("version", "groups"), start=-3):
            if name in self.root.children:  # ...after `version` and `groups` at the top
                self.root.children[name].index = rank
        self.namespaces.setdefault("group", Namespace("group", "group"))
        self.check_refs(self.root, set())

    def check_refs(self, node: SchemaNode, seen: set[int]) -> None:
        if id(node) in seen:
            return
        seen.add(id(node))
        if node.ref and node.ref not in self.namespaces:
            raise SchemaError(f"{node.source}: unknown namespace '{node.ref}'")
        for key in node.keys:
            if key.ref and key.ref not in self.namespaces:
                raise SchemaError(f"{node.source}: unknown namespace '{key.ref}'")
        if node.defines and node.defines[0] not in self.namespaces:
            raise SchemaError(f"{node.source}: unknown namespace '{node.defines[0]}'")
        for child in node.children.values():
            self.check_refs(child, seen)


def _grammar_files(grammar_dir: Path) -> list[Path]:
    return sorted(grammar_dir.glob("config/*.schema")) + sorted(grammar_dir.glob("operational/*.schema"))


def compile_grammar(grammar_dir: Path = GRAMMAR_DIR) -> Schema:
    """Read and compile every schema file (no cache)."""
    from nos.schema.language import parse_file  # pyparsing is only needed when the cache is stale

    comp = _Compiler()
    config_decls: list[Decl] = []
    command_decls: list[Decl] = []
    for path in _grammar_files(grammar_dir):
        decls = comp.collect(parse_file(path))
        if path.parent.name == "config":
            config_decls.extend(decls)
        else:
            command_decls.extend(decls)
    # Display order of top-level stanzas follows Junos, not file names.
    config_decls.sort(key=lambda d: _TOP_ORDER.index(d.name) if d.name in _TOP_ORDER else len(_TOP_ORDER))
    comp.fill(comp.root, config_decls, config=True)
    comp.finish()
    commands: dict[str, SchemaNode] = {}
    for d in command_decls:
        if d.kind != "commands":
            raise SchemaError(f"{d.source}: operational files hold 'commands' blocks only")
        tree = commands.setdefault(d.name, SchemaNode(CONTAINER, d.name))
        comp.fill(tree, d.body or [], config=False)
    return Schema(comp.root, comp.namespaces, commands, fingerprint=fingerprint(grammar_dir))


# Junos prints top-level stanzas in this order.
_TOP_ORDER = [
    "version",
    "groups",
    "system",
    "chassis",
    "services",
    "security",
    "interfaces",
    "snmp",
    "forwarding-options",
    "event-options",
    "routing-options",
    "protocols",
    "policy-options",
    "class-of-service",
    "firewall",
    "access",
    "routing-instances",
    "applications",
]


def fingerprint(grammar_dir: Path = GRAMMAR_DIR) -> str:
    h = hashlib.sha256(__version__.encode())
    for path in _grammar_files(grammar_dir):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    for module in ("language.py", "compile.py", "model.py", "types.py"):
        h.update((Path(__file__).parent / module).read_bytes())
    return h.hexdigest()[:16]


def _cache_dir() -> Path:
    base = os.environ.get("NOS_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "nos"


_LOADED: Schema | None = None


def load_schema(grammar_dir: Path = GRAMMAR_DIR) -> Schema:
    """The compiled schema, from the pickle cache when it is current."""
    global _LOADED
    if _LOADED is not None and grammar_dir == GRAMMAR_DIR:
        return _LOADED
    fp = fingerprint(grammar_dir)
    cache = _cache_dir() / f"schema-{fp}.pickle"
    schema: Schema | None = None
    try:
        with cache.open("rb") as f:
            schema = pickle.load(f)
    except (OSError, pickle.PickleError, EOFError, AttributeError):
        schema = None
    if schema is None or schema.fingerprint != fp:
        schema = compile_grammar(grammar_dir)
        _write_cache(cache, schema)
    if grammar_dir == GRAMMAR_DIR:
        _LOADED = schema
    return schema


def _write_cache(cache: Path, schema: Schema) -> None:
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache.parent, prefix=".schema-")
        with os.fdopen(fd, "wb") as f:
            pickle.dump(schema, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, cache)
    except OSError:
        pass  # a read-only home only costs start-up time


__all__ = ["SchemaError", "SchemaSyntaxError", "compile_grammar", "fingerprint", "load_schema"]
