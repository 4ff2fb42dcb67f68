"""The path steps of a batch of children of one kind (``_Kind.steps``, which reads a single key as every entry's
first child in one pass) against ``_Kind.step`` of each child.

Why: the batch exists for speed only (10,000 new users); every step must stay byte-identical, including entries
whose first child is not the key (another child, a comment), that have no child, or whose key text is missing,
empty or quoted, which must take the per-entry path.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from iosxe_agent.data import diff as diff_mod
from iosxe_agent.data.tags import tag_of
from iosxe_agent.yang.schema import Kind, SchemaNode

TEXTS = st.one_of(st.none(), st.sampled_from(["", "a", "it's", 'say "hi"', "both ' and \"", "9", "x y"]))
#: what an entry holds before, instead of or after its key
LEADS = st.sampled_from(["key", "other then key", "comment then key", "key twice", "nothing", "other only"])


def _lists(root: SchemaNode, depth: int) -> list[SchemaNode]:
    """Every keyed list and leaf-list down to ``depth`` levels (one key and several)."""
    out: list[SchemaNode] = []
    level = [root]
    for _ in range(depth):
        level = [child for node in level for child in node.children]
        out.extend(n for n in level if (n.kind is Kind.LIST and n.keys) or n.kind is Kind.LEAF_LIST)
    return out


def _entry(snode: SchemaNode, lead: str, texts: list[str | None]) -> etree._Element:
    el = etree.Element(snode.tag)
    el.text = texts[0]
    if lead.startswith("other"):
        etree.SubElement(el, f"{{{snode.ns}}}other").text = "o"
    if lead.startswith("comment"):
        el.append(etree.Comment("c"))
    if lead != "nothing" and lead != "other only":
        for key, text in zip(snode.keys, texts, strict=False):
            etree.SubElement(el, key).text = text
        if lead == "key twice" and snode.keys:
            etree.SubElement(el, snode.keys[0]).text = "second"
    return el


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_batch_steps_equal_each_step(ios: Any, data: st.DataObject) -> None:
    snode = data.draw(st.sampled_from(_lists(ios.schema.root, 3)))
    width = max(1, len(snode.keys))
    entries = data.draw(st.lists(st.tuples(LEADS, st.lists(TEXTS, min_size=width, max_size=width)), max_size=6))
    els = [_entry(snode, lead, texts) for lead, texts in entries]
    kind = diff_mod._kind(snode, snode.tag)
    assert kind.steps(els) == [kind.step(el) for el in els]
    assert all(tag_of(el) == snode.tag for el in els)


def test_single_key_lists_take_the_batch(ios: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The property above reaches the batch: entries led by their one key are read without ``step``."""
    snode = next(n for n in _lists(ios.schema.root, 3) if n.kind is Kind.LIST and len(n.keys) == 1)
    kind = diff_mod._kind(snode, snode.tag)
    els = [_entry(snode, "key", [f"k{i}"]) for i in range(3)]

    def unused(el: etree._Element) -> str:
        raise AssertionError("the batch took the per-entry path")

    monkeypatch.setattr(diff_mod._Kind, "step", unused)
    assert kind.steps(els) == [f"{kind.name}{kind.keys[0][1]}'k{i}']" for i in range(3)]


@given(
    head=st.sampled_from(["ios:username[ios:name=", "x:k[x:a="]),
    texts=st.lists(st.one_of(st.none(), st.text(alphabet=st.sampled_from("ab'\"\0 ]["), max_size=4)), max_size=8),
)
def test_joined_steps_equal_each_formatted(head: str, texts: list[str | None]) -> None:
    """``_steps_of`` formats as ``step`` does each text, or declines: a missing text, a quote, a NUL (which no XML
    text holds, but the guard holds anyway) or no text at all (the caller's own formatting gives no step either)."""
    steps = diff_mod._steps_of(head, texts)
    declined = not texts or None in texts or any("'" in t or "\0" in t for t in texts if t is not None)
    assert (steps is None) == declined
    if steps is not None:
        assert steps == [f"{head}{diff_mod._quote(t or '')}]" for t in texts]
