"""The schema language (grammar/README.md): parsing, compiling, value types."""

from __future__ import annotations

from pathlib import Path

import pytest

from nos.config.load import parse_set
from nos.config.render import curly_text
from nos.config.tree import ConfigTree
from nos.schema.compile import SchemaError, compile_grammar, load_schema
from nos.schema.language import SchemaSyntaxError, parse_text
from nos.schema.model import CONTAINER, LEAF, LEAF_LIST, LIST
from nos.schema.types import BadValue, make_type


def compile_text(tmp_path: Path, text: str, extra: str = ""):  # type: ignore[no-untyped-def]
    (tmp_path / "config").mkdir(exist_ok=True)
    (tmp_path / "operational").mkdir(exist_ok=True)
    (tmp_path / "config" / "test.schema").write_text(text)
    if extra:
        (tmp_path / "config" / "extra.schema").write_text(extra)
    return compile_grammar(tmp_path)


# -- parsing ---------------------------------------------------------------------------------------


def test_declarations_and_attributes():
    decls = parse_text(
        """
        # a comment
        namespace thing "thing" builtin any none;
        container top presence oneliner "Top help" {
            leaf name string(1..8) mandatory default x "Name";
            leaf-list tags enum(a b c) max 2 "Tags";
            flag on "Switch";
            list item <k:int(0..9)> to <v:string ref thing> ordered defines thing as "{item}" "Items" {
                use body;
            }
            choice action { flag accept; flag reject; }
        }
        grouping body { leaf x ipv4; }
        """,
        "t.schema",
    )
    ns, top, grouping = decls
    assert (ns.kind, ns.name, ns.help, ns.attrs["builtin"]) == ("namespace", "thing", "thing", ("any", "none"))
    assert top.attrs == {"presence": True, "oneliner": True} and top.help == "Top help"
    name, tags, on, item, choice = top.body
    assert (name.type.name, name.type.args, name.attrs) == ("string", ("1..8",), {"mandatory": True, "default": "x"})
    assert (tags.kind, tags.type.args, tags.attrs["max"]) == ("leaf-list", ("a", "b", "c"), "2")
    assert on.kind == "flag"
    assert [(k.name, k.keyword, k.ref) for k in item.keys] == [("k", None, None), ("v", "to", "thing")]
    assert item.attrs["defines"] == ("thing", "{item}") and item.help == "Items"
    assert [m.name for m in choice.body] == ["accept", "reject"]
    assert grouping.kind == "grouping" and grouping.body[0].type.name == "ipv4"
    assert top.source == "t.schema:4"


def test_defines_without_template_keeps_the_help():
    (decl,) = parse_text('list l <n:string> defines thing "Help text";')
    assert decl.attrs["defines"] == ("thing", None)
    assert decl.help == "Help text"


def test_syntax_errors_name_file_line_and_column():
    with pytest.raises(SchemaSyntaxError) as exc:
        parse_text("container a {\n    leaf b;\n}\n", "x.schema")
    assert str(exc.value).startswith("x.schema:2:")


# -- compiling -------------------------------------------------------------------------------------


def test_compile_builds_lookup_tables(tmp_path):
    schema = compile_text(
        tmp_path,
        """
        namespace thing "thing";
        container top "Top" {
            leaf b string alias bee "B";
            list entry <name:string> keyless defines thing "Entry";
            choice how { flag fast; flag slow; }
            leaf c string mandatory ref thing "C";
        }
        """,
    )
    top = schema.root.children["top"]
    assert top.kind == CONTAINER
    assert [c.name for c in top.children.values()] == ["b", "entry", "fast", "slow", "c"]
    assert top.lookup["bee"] is top.children["b"]
    assert top.keyless_child is top.children["entry"] and "entry" not in top.lookup
    assert top.exclusive == {"fast": ("slow",), "slow": ("fast",)}
    assert top.mandatory_children == ("c",)
    assert "apply-groups" in top.lookup  # every container accepts apply-groups
    assert top.children["entry"].kind == LIST and top.children["b"].kind == LEAF


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("container a { use nowhere; }", "unknown grouping 'nowhere'"),
        ("container a { leaf b string ref nothing; }", "unknown namespace 'nothing'"),
        ("container a { leaf b string; leaf b string; }", "'b' declared twice under 'a'"),
        ("container a { leaf b frobnicate; }", "unknown type 'frobnicate'"),
        ("container a { list x <k:string> keyless; list y <k:string> keyless; }", "already has a keyless child"),
        ("grouping g { use g; } container a { use g; }", "grouping 'g' uses itself"),
    ],
)
def test_compile_errors(tmp_path, text, message):
    with pytest.raises(SchemaError) as exc:
        compile_text(tmp_path, text)
    assert message in str(exc.value)


def test_groups_hold_the_whole_hierarchy(schema):
    group = schema.root.children["groups"].children["group"]
    assert group.children is schema.root.children
    assert group.lookup["interfaces"] is schema.root.children["interfaces"]


def test_load_schema_is_cached_and_matches_the_grammar(schema, tmp_path, monkeypatch):
    monkeypatch.setenv("NOS_CACHE_DIR", str(tmp_path))
    fresh = compile_grammar()
    assert fresh.fingerprint == schema.fingerprint
    assert list(fresh.root.children) == list(schema.root.children)
    assert load_schema() is load_schema()


def test_top_level_display_order(schema):
    names = [n for n, c in sorted(schema.root.children.items(), key=lambda item: item[1].index)]
    assert names[:4] == ["version", "groups", "system", "chassis"]
    assert names.index("interfaces") < names.index("routing-options") < names.index("routing-instances")


def test_every_schema_node_has_help_except_keys(schema):
    """A `?` list without descriptions is no help: statements a user types carry one."""
    missing = []
    seen: set[int] = set()

    def visit(node, path):  # type: ignore[no-untyped-def]
        if id(node) in seen:
            return
        seen.add(id(node))
        for child in node.children.values():
            if not child.help and not child.keyless and not child.hidden:
                missing.append(" ".join((*path, child.name)))
            if child.kind in (CONTAINER, LIST):
                visit(child, (*path, child.name))

    visit(schema.root, ())
    assert missing == []


# -- value types -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("type_name", "args", "word", "value"),
    [
        ("ipv4", (), "10.1.2.3", "10.1.2.3"),
        ("ipv4", (), "010.1.2.3", "10.1.2.3"),
        ("ipv4prefix", (), "10.1.2.3/24", "10.1.2.3/24"),
        ("ipv4prefix", (), "10.1.2.3", "10.1.2.3/32"),
        ("ipv4network", (), "10.1.2.3/8", "10.0.0.0/8"),
        ("ipv4network", (), "0/0", "0.0.0.0/0"),
        ("ipv4network", (), "10/8", "10.0.0.0/8"),
        ("ipnetwork", (), "2001:db8::1/32", "2001:db8::/32"),
        ("int", ("1..15",), "05", "5"),
        ("enum", ("icmp-ping", "tcp-ping"), "tcp", "tcp-ping"),
        ("interface", (), "ge-0/0/0.100", "ge-0/0/0.100"),
        ("interface", (), "xe-1/2/3:1", "xe-1/2/3:1"),
        ("interface", (), "irb", "irb"),
        ("unit-interface", (), "ge-0/0/7", "ge-0/0/7.0"),
        ("physical-interface", (), "reth1", "reth1"),
        ("rib", (), "ISP1.inet.0", "ISP1.inet.0"),
        ("nexthop", (), "st0.0", "st0.0"),
        ("nexthop", (), "192.0.2.1", "192.0.2.1"),
        ("area", (), "0", "0.0.0.0"),
        ("area", (), "10", "0.0.0.10"),
        ("host", (), "ntp.example.com", "ntp.example.com"),
        ("plen-range", (), "/8-/24", "/8-/24"),
        ("duration", (), "1h30m", "1h30m"),
    ],
)
def test_types_accept_and_normalise(type_name, args, word, value):
    assert make_type(type_name, args).check(word) == value


@pytest.mark.parametrize(
    ("type_name", "args", "word", "message"),
    [
        ("ipv4", (), "10.1.2.256", "invalid value '256' in ip address: '10.1.2.256' at '10.1.2.256'"),
        ("ipv4", (), "10.1.2", "invalid ip address or hostname: 10.1.2 at '10.1.2'"),
        ("ipv4", (), "X.X.X.X", "syntax error"),
        ("ipv4prefix", (), "10.0.0.0/33", "prefix length '33' is larger than 32 in address '10.0.0.0/33' at '10.0.0.0/33'"),
        ("ipv4prefix", (), "10.0.0.0/x", "missing or invalid prefix length 'x' in address '10.0.0.0/x' at '10.0.0.0/x'"),
        ("int", ("1..15",), "16", "number: '16': Value must be a number from 1 to 15 at '16'"),
        ("int", ("1..15",), "many", "number: 'many': Value must be a number from 1 to 15 at 'many'"),
        ("enum", ("icmp-ping", "icmp-ping-timestamp"), "icmp", "syntax error"),
        ("interface", (), "lo0.1<", "syntax error"),
        ("physical-interface", (), "ge-0/0/0.0", "syntax error"),
        ("string", ("1..3",), "abcd", "Must be a string of 1 to 3 characters at 'abcd'"),
    ],
)  # fmt: skip
def test_types_refuse_in_junos_words(type_name, args, word, message):
    with pytest.raises(BadValue) as exc:
        make_type(type_name, args).check(word)
    assert exc.value.args[0] == message


def test_route_filter_match_takes_one_or_two_words():
    t = make_type("route-filter-match")
    assert t.consume(["orlonger", "accept"], 0) == ("orlonger", 1)
    assert t.consume(["upto", "/24"], 0) == ("upto /24", 2)
    assert t.consume(["prefix-length-range", "/8-/16"], 0) == ("prefix-length-range /8-/16", 2)
    with pytest.raises(BadValue):
        t.consume(["upto"], 0)


def test_schema_statements_round_trip_through_both_formats(schema):
    """A line of every kind of statement: containers, keyless lists, two-key lists, leaf-lists, flags."""
    text = "\n".join(
        [
            "set system syslog file messages any notice",
            "set routing-options rib-groups RG import-rib [ inet.0 A.inet.0 ]",
            "set policy-options policy-statement P term t from route-filter 10.0.0.0/8 upto /24",
            "set security policies from-zone A to-zone B policy p then permit",
            "set security flow allow-embedded-icmp",
        ]
    )
    tree = ConfigTree(schema.root)
    assert parse_set(tree, text).messages == []
    rendered = curly_text(tree.root)
    assert "route-filter 10.0.0.0/8 upto /24;" in rendered
    assert "import-rib [ inet.0 A.inet.0 ];" in rendered
    import_rib = schema.root.children["routing-options"].children["rib-groups"].children["group"]
    assert import_rib.children["import-rib"].kind == LEAF_LIST
