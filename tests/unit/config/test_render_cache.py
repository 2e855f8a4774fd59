"""The commit's text one configuration after another (`CurlyCache`): always `curly_text`, with the
entries a commit did not touch taken from the last render instead of rendered again."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from nos.config import render
from nos.config.load import parse_set
from nos.config.render import CurlyCache, curly_text
from nos.config.tree import ConfigTree
from nos.schema.compile import load_schema

from .cfgutil import lines, load_set

SCHEMA = load_schema()

BASE = lines(
    "set system host-name r1",
    "set interfaces ge-0/0/1 unit 0 family inet address 10.0.1.1/24",
    "set interfaces ge-0/0/2 unit 0 family inet address 10.0.2.1/24",
    "set routing-instances A interface ge-0/0/1.0",
    "set routing-instances A routing-options static route 0.0.0.0/0 next-hop 10.0.1.2",
    "set policy-options prefix-list PL 10.0.0.0/8",
    "set security zones security-zone Z interfaces ge-0/0/2.0",
)

EDITS = [
    "set interfaces ge-0/0/1 description uplink",
    "delete interfaces ge-0/0/1 description",
    "set interfaces ge-0/0/3 unit 0 family inet address 10.0.3.1/24",
    "delete interfaces ge-0/0/3",
    "set routing-instances A routing-options static route 10.9.0.0/16 next-hop 10.0.1.3",
    "delete routing-instances A routing-options static route 10.9.0.0/16",
    "set routing-instances B description second",
    "delete routing-instances B",
    "rename routing-instances A to B",
    "rename routing-instances B to A",
    "copy routing-instances A to C",
    "delete routing-instances C",
    "deactivate interfaces ge-0/0/2",
    "activate interfaces ge-0/0/2",
    "annotate interfaces ge-0/0/1 first-port",
    "set policy-options prefix-list PL 192.0.2.0/24",
    "delete policy-options",
    "set security zones security-zone Y",
    "delete security",
]


def _edit(tree: ConfigTree, line: str) -> None:
    words = line.split(" ", 1)
    if words[0] in ("set", "delete", "deactivate", "activate"):
        parse_set(tree, line + "\n")  # an edit that finds nothing to change is refused: no matter
    else:  # rename, copy, annotate: what the configuration mode does, on the tree
        from nos.config.edit import annotate_words, copy_entry, rename
        from nos.config.path import walk

        rest = line.split()[1:]
        if words[0] == "annotate":
            annotate_words(tree, [], rest)
            return
        steps = walk(SCHEMA.root, rest[:2], values=True)
        target = (rest[3],)
        try:
            (rename if words[0] == "rename" else copy_entry)(tree, steps, target)
        except Exception:  # no such entry, or the target exists
            pass


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(EDITS), st.booleans()), max_size=20))
def test_the_cached_text_is_always_the_whole_render(edits):
    """Each edit is rendered; a render is kept (its tree committed, frozen) or not (a failed commit)."""
    cache = CurlyCache()
    active = load_set(SCHEMA, BASE).freeze()
    assert cache.text(active) == curly_text(active)
    cache.keep()
    for line, commit in edits:
        candidate = ConfigTree(SCHEMA.root, active)
        candidate.freeze()
        _edit(candidate, line)
        assert cache.text(candidate.root) == curly_text(candidate.root), line
        if commit:
            active = candidate.freeze()
            cache.keep()
    assert cache.text(active) == curly_text(active)


def test_only_the_changed_entry_is_rendered_again(monkeypatch):
    text = BASE + "".join(f"set routing-instances R{i} description tenant-{i}\n" for i in range(50))
    cache = CurlyCache()
    active = load_set(SCHEMA, text).freeze()
    cache.text(active)
    cache.keep()
    rendered: list[str] = []
    real = render._block

    def counting(out, head, node, opts, indent, depth, memo=None):  # type: ignore[no-untyped-def]
        rendered.append(indent + head)
        real(out, head, node, opts, indent, depth, memo)

    monkeypatch.setattr(render, "_block", counting)
    candidate = ConfigTree(SCHEMA.root, active)
    candidate.freeze()
    load_set(SCHEMA, "set routing-instances R7 description changed\n", candidate)
    text = cache.text(candidate.root)
    heads = [head.strip() for head in rendered]
    assert text == curly_text(candidate.root)
    # The top-level containers, then R7 alone: not the 50 other instances, the interfaces or the zones.
    assert [head for head in heads if head.startswith(("R", "ge-", "security-zone", "prefix-list"))] == ["R7"]


def test_a_render_that_is_not_kept_is_not_reused():
    """A candidate's nodes may still change in place until it is committed: only `keep()` trusts them."""
    cache = CurlyCache()
    active = load_set(SCHEMA, BASE).freeze()
    cache.text(active)
    cache.keep()
    candidate = ConfigTree(SCHEMA.root, active)
    candidate.freeze()
    load_set(SCHEMA, "set routing-instances A description one\n", candidate)
    cache.text(candidate.root)  # rendered, not kept (say the commit check failed)
    load_set(SCHEMA, "set routing-instances A description two\n", candidate)  # changed in place
    assert "description two;" in cache.text(candidate.root)
