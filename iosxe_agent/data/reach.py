"""What a YANG XPath expression can read, found from its tokens, so validation can skip what an edit cannot affect.

A must, when or leafref outside the subtrees an edit touched keeps its old (valid) outcome unless it reads a
node the edit changed. :func:`reach` answers conservatively, from the expression alone:

- *local*: only relative paths, through child, ``.`` and ``..`` steps: the expression reads nothing outside
  the subtree of the context's ``up``-th ancestor (the highest any path climbs, predicates and ``current()``
  included);
- *named*: it also uses absolute paths; every node it reads is named by one of its name tests, and a node whose
  value (not only its existence) is read is named by the last step of a path (``values``). A name test of an
  absolute path, or of a predicate on one, names one data node: its path from the root (local names) is in
  ``paths`` (``value_paths`` when its value is read), and only the others (relative to the context) are matched
  by local name (``loose``, ``loose_values``), so a leafref to ``/native/aaa/attribute/list/name`` is not
  affected by every other node called ``name``;
- *unbounded* (neither): wildcards with absolute paths, other axes, ``//``, ``deref()``, variables, or a path that
  ends in ``..`` — it is evaluated after every edit.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from iosxe_agent.yang.xpath import XPathError, tokenize

#: Tokens after which a ``/`` continues a path rather than starting an absolute one.
_STEP_END = frozenset({"name", "nodetype", ".", "..", ")", "]"})
#: Functions that jump to nodes not named in the expression.
_JUMPS = frozenset({"deref", "id"})


#: A data node's path from the root: the local names of its ancestors and its own.
DataPath = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Reach:
    """See the module docstring; ``local`` and ``names`` cannot both be set, neither means unbounded."""

    up: int | None = None
    names: frozenset[str] | None = None
    values: frozenset[str] = frozenset()
    paths: frozenset[DataPath] = frozenset()
    value_paths: frozenset[DataPath] = frozenset()
    loose: frozenset[str] = frozenset()
    loose_values: frozenset[str] = frozenset()

    @property
    def local(self) -> bool:
        return self.up is not None


UNBOUNDED = Reach()


@lru_cache(maxsize=4096)
def reach(expression: str) -> Reach:
    """The :class:`Reach` of one XPath expression (UNBOUNDED if it does not parse)."""
    try:
        toks = tokenize(expression)
    except XPathError:
        return UNBOUNDED
    absolute = wildcard = positional = False
    # depth of the node a path has reached, relative to the context; predicates start from their step's node
    bases = [0]
    depth = lowest = 0
    names: set[str] = set()
    values: set[str] = set()
    # the path of the node a location path has reached when an absolute path anchors it, else None; predicates
    # start from their step's node, as ``bases``
    anchors: list[DataPath | None] = [None]
    at: DataPath | None = None
    paths: set[DataPath] = set()
    value_paths: set[DataPath] = set()
    loose: set[str] = set()
    loose_values: set[str] = set()
    for i, t in enumerate(toks):
        prev = toks[i - 1] if i else None
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        continues = nxt is not None and ((nxt.kind == "op" and nxt.text in ("/", "//")) or nxt.kind == "[")
        if (
            t.kind in ("axis", "var", "@")
            or (t.kind == "op" and t.text == "//")
            or (t.kind == "func" and t.local in _JUMPS)
        ):
            return UNBOUNDED
        starts_path = prev is None or not (prev.kind == "op" and prev.text == "/")
        if t.kind in ("name", "nodetype", ".", "..") and starts_path:
            depth = bases[-1]
            at = anchors[-1]
        if t.kind == "[":
            bases.append(depth)
            anchors.append(at)
        elif t.kind == "]":
            depth = bases.pop()
            at = anchors.pop()
        elif t.kind == "func" and t.local == "current":
            depth = 0
            at = None
        elif t.kind == ")" and continues and not (i >= 2 and toks[i - 2].kind == "func"):
            return UNBOUNDED  # a parenthesised node-set continued by a path: no depth to follow
        if t.kind == "op" and t.text == "/" and (prev is None or prev.kind not in _STEP_END):
            absolute = True
            at = ()
        elif t.kind == "..":
            depth -= 1
            at = at[:-1] if at else None
            lowest = min(lowest, depth)
            positional = positional or not continues  # the parent's own value or existence: not named anywhere
        elif t.kind == "." and prev is not None and prev.kind == "op" and prev.text == "/" and not continues:
            positional = True  # ``…/.``: the value of a node reached by position
        elif t.kind == "nodetype":
            wildcard = True
            depth += 1
        elif t.kind == "name":
            depth += 1
            local_name = t.local or t.text.rpartition(":")[2]
            if local_name == "*":
                wildcard = True
                continue
            names.add(local_name)
            if not continues:
                values.add(local_name)
            if at is None:
                loose.add(local_name)
                if not continues:
                    loose_values.add(local_name)
            else:
                at = (*at, local_name)
                paths.add(at)
                if not continues:
                    value_paths.add(at)
    if not absolute:
        return Reach(up=-lowest)
    if wildcard or positional:
        return UNBOUNDED
    return Reach(
        names=frozenset(names),
        values=frozenset(values),
        paths=frozenset(paths),
        value_paths=frozenset(value_paths),
        loose=frozenset(loose),
        loose_values=frozenset(loose_values),
    )
