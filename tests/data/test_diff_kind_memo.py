"""``diff._kind`` kept per schema node and tag against the kind worked out afresh: the same value for every data
node of the schema and for tags it does not know, asked in any order, before and after the memo starts again.

Why: every changed node's path step is formatted from its kind; a kind kept for another node (an id reused by a
freed node, a tag mixed up) would give a notification or a partial lock the wrong path."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schema_walk import schema_nodes

from iosxe_agent.data import diff


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), bound=st.sampled_from([1, 3, 4096]))
def test_a_kept_kind_is_the_kind_worked_out(ios: Any, monkeypatch: Any, data: Any, bound: int) -> None:
    monkeypatch.setattr(diff, "_KINDS_KEPT", bound)
    monkeypatch.setattr(diff, "_KINDS", {})
    nodes = schema_nodes(ios.schema.root)
    asks = data.draw(
        st.lists(
            st.one_of(
                st.sampled_from(nodes).map(lambda node: (node, node.tag)),
                st.sampled_from(nodes).map(lambda node: (None, node.tag)),  # its tag, outside the schema
                st.sampled_from(["{urn:x}unknown", "{urn:x}other", "bare"]).map(lambda tag: (None, tag)),
            ),
            min_size=1,
            max_size=30,
        )
    )
    for snode, tag in asks:
        assert diff._kind(snode, tag) == diff._made_kind(snode, tag)
        assert len(diff._KINDS) <= bound
