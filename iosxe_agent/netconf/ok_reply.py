"""The wire bytes of an ``<ok/>`` reply, from a template per request shape instead of a tree per reply.

Most requests (edit-config, commit, lock, unlock …) are answered with ``<rpc-reply …><ok/></rpc-reply>`` that
echoes the ``<rpc>``'s attributes and namespace declarations (:func:`~iosxe_agent.netconf.errors.rpc_reply`).
Building that tree and serialising it cost more than the rest of the reply path, and only the attribute values
change from one request to the next. So the first request of each shape (its namespace declarations and
attribute names, in order) has its reply serialised once by the general path, with markers for the values, and
later ones get the same bytes with their values put in. Values that XML must escape (``& < > "``, tab, CR,
LF) take the general path, so the template never has to know lxml's escaping; the shapes kept are bounded.
"""

from __future__ import annotations

import re

from lxml import etree

from iosxe_agent.netconf.errors import rpc_reply
from iosxe_agent.netconf.xmlio import serialize

#: requests with more attributes than this take the general path (a usual ``<rpc>`` has one or two)
MAX_TEMPLATE_ATTRIBUTES = 8
#: shapes remembered; past this the cache starts again (a client sends one or two shapes)
MAX_SHAPES = 64
#: a value that serialises as itself: anything but what an XML attribute value escapes
_PLAIN = re.compile(r'[^&<>"\t\r\n]*')
_MARK = "\U0010fffd"  # a private-use character: a valid XML character, written as itself in UTF-8

#: namespace declarations and attribute names -> the reply's bytes around each value (None: no template)
Shape = tuple[tuple[tuple[str | None, str], ...], tuple[str, ...]]
_templates: dict[Shape, tuple[bytes, ...] | None] = {}
_UNKNOWN: tuple[bytes, ...] = ()  # a shape not seen yet (a template is never empty)


def ok_reply(rpc: etree._Element) -> bytes | None:
    """``serialize(rpc_reply(rpc))`` from the template of the request's shape, or None when the general path
    must build it (too many attributes, a value that needs escaping, a shape no template can express)."""
    values = rpc.values()  # in document order, as keys() are: two C calls, cheaper than splitting items()
    if len(values) > MAX_TEMPLATE_ATTRIBUTES:
        return None
    if _PLAIN.fullmatch("".join(values)) is None:  # one match for all: the class holds for each iff for all
        return None
    shape: Shape = (tuple(rpc.nsmap.items()), tuple(rpc.keys()))
    template = _templates.get(shape, _UNKNOWN)
    if template is _UNKNOWN:
        template = _template(rpc, shape[1])
        if len(_templates) >= MAX_SHAPES:
            _templates.clear()
        _templates[shape] = template
    if template is None:
        return None
    if len(values) == 1:  # the usual <rpc message-id="…">
        return template[0] + values[0].encode() + template[1]
    out = [template[0]]
    for value, after in zip(values, template[1:], strict=True):
        out += (value.encode(), after)
    return b"".join(out)


def _template(rpc: etree._Element, names: tuple[str, ...]) -> tuple[bytes, ...] | None:
    """The general path's reply to ``rpc`` with a marker for each attribute value, cut at the markers.

    None if a marker does not come out exactly once, in attribute order (a namespace URI holding one, say).
    """
    markers = [f"{_MARK}{i}{_MARK}" for i in range(len(names))]
    stand_in = etree.Element(rpc.tag, dict(zip(names, markers, strict=True)), nsmap=rpc.nsmap)
    data = serialize(rpc_reply(stand_in))
    pieces: list[bytes] = []
    rest = data
    for marker in (m.encode() for m in markers):
        if data.count(marker) != 1 or marker not in rest:
            return None
        before, rest = rest.split(marker)
        pieces.append(before)
    if _MARK.encode() in rest:
        return None
    return (*pieces, rest)
