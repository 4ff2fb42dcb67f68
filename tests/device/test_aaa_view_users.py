"""The local users of the AAA view, read in one pass over each entry's children
(iosxe_agent/device/views/aaa_view.py), are what reading each leaf by path finds, whatever the entry holds."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from username_entries import add_username

from iosxe_agent.device.names import n
from iosxe_agent.device.views import LocalUser, read_aaa
from iosxe_agent.device.views.tree import native_of

TEXTS = st.sampled_from([None, "", "0", "7", "9", "15", "x y", "Émile"])


def _by_path(entry: etree._Element) -> LocalUser:
    """The reference: each leaf found by path, as the view read users before it read them in one pass."""
    stored = entry.findtext(n("name")) or ""
    privilege = int(entry.findtext(n("privilege")) or "1")
    secret = entry.find(n("secret"))
    password = entry.find(n("password"))
    if secret is not None:
        return LocalUser(stored, privilege, secret.findtext(n("encryption")), secret.findtext(n("secret")))
    if password is not None:
        encryption = password.findtext(n("encryption")) or "0"
        return LocalUser(stored, privilege, encryption, password.findtext(n("password")))
    return LocalUser(stored, privilege, None, None)


@st.composite
def entries(draw: st.DrawFn) -> list[tuple[str, object]]:
    """The children of one entry: leaves (tag, text) and holders (tag, children), in any order, some repeated."""
    leaf = st.tuples(st.sampled_from(["name", "privilege", "view"]), TEXTS)
    holder = st.sampled_from(["secret", "password"]).flatmap(
        lambda tag: st.tuples(
            st.just(tag), st.lists(st.tuples(st.sampled_from(["encryption", tag, "other"]), TEXTS), max_size=3)
        )
    )
    return draw(st.lists(leaf | holder, max_size=6))


@settings(max_examples=300, deadline=None)
@given(users=st.lists(entries(), max_size=4))
def test_one_pass_reads_what_paths_read(users: list[list[tuple[str, object]]]) -> None:
    tree = etree.Element("{urn:ietf:params:xml:ns:netconf:base:1.0}config")
    native = etree.SubElement(tree, n("native"))
    for children in users:
        if all(tag != "privilege" or not isinstance(text, str) or text.isdigit() for tag, text in children):
            add_username(native, children)
    native_el = native_of(tree)
    assert native_el is not None
    assert read_aaa(tree).users == tuple(_by_path(e) for e in native_el.iterfind(n("username")))
