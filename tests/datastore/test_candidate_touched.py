"""An edit of a candidate that is running reports where the candidate now differs from running with its own trie
(``Stores._candidate_touched_with``): the merge it stands for, of that trie into the empty one a clean candidate
holds, gives back an equal trie, and a store that takes the shortcut commits exactly what one that merges does."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ios_config_strategies import FEATURES
from store_edits import valid_edits

from iosxe_agent.data.touched import Touched
from iosxe_agent.datastore.persist import serialize
from iosxe_agent.datastore.store import CANDIDATE, StorePaths, Stores
from iosxe_agent.datastore.transaction import Face, Origin
from iosxe_agent.limits import Limits

S1 = Origin(session_id=1, user="alice", face=Face.NETCONF)
SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(start=st.lists(FEATURES, max_size=3), body=FEATURES, replace=st.booleans())
def test_an_edit_report_merged_into_an_empty_trie_is_the_report(
    ios: Any, start: list[str], body: str, replace: bool
) -> None:
    tree = ios.empty()
    for part in start:
        edited = ios.edit(tree, part).tree
        tree = tree if edited is None else edited
    result = ios.edit(tree, body, default_operation="replace" if replace else "merge")
    if result.touched is None:
        return
    merged = Touched()
    merged.merge(result.touched)
    assert merged == result.touched


class Merging(Stores):
    """A store that always merges a candidate edit's report, as before the shortcut."""

    def _candidate_touched_with(self, touched: Touched | None) -> Touched | None:
        if self._candidate_touched is None or touched is None:
            return None
        merged = Touched()
        merged.merge(self._candidate_touched)
        merged.merge(touched)
        return merged


@SETTINGS
@given(edits=st.lists(st.lists(valid_edits(), min_size=1, max_size=3), min_size=1, max_size=3))
async def test_candidate_edits_and_commits_are_those_of_a_merging_store(ios: Any, edits: list[list[str]]) -> None:
    fast, slow = (kind(ios.schema, Limits(), StorePaths(None, None)) for kind in (Stores, Merging))
    for stores in (fast, slow):
        stores.load(lambda: ios.cfg("<hostname>R1</hostname>"))
    for batch in edits:
        for body in batch:
            for stores in (fast, slow):
                await stores.edit(CANDIDATE, ios.cfg(body), S1)
            assert fast._candidate_touched == slow._candidate_touched
        for stores in (fast, slow):
            await stores.commit(S1)
        assert serialize(fast.running) == serialize(slow.running)
