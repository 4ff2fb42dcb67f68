"""The start-up report's answer from a few users (iosxe_agent/device/access.py ``netconf_access``, through
``namesakes_of_privileged`` of iosxe_agent/device/views/aaa_view.py) is the answer of the whole AAA view, on random
configurations: users in any number and order, names alike but for case, missing or repeated leaves, privilege
text ``int`` refuses, look-alike leaves elsewhere in the tree, and every kind of login and authorization list."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from username_entries import Child, add_username

from iosxe_agent.device.access import FIRST_USERS, NetconfAccess, access_of, netconf_access
from iosxe_agent.device.names import AAA_NS, n
from iosxe_agent.device.views.aaa_view import _local_user, namesakes_of_privileged, read_aaa, users_of

NAMES = st.sampled_from(["admin", "Admin", "ADMIN", "ops", "Ops", "guest", ""])
PRIVILEGES = st.sampled_from(["1", "15", "14", "7", "0", "015", " 15", "", "x"])


def _holder(tag: str) -> st.SearchStrategy[Child]:
    texts = st.sampled_from(["0", "9", "$9$stored", None])
    return st.tuples(st.just(tag), st.lists(st.tuples(st.sampled_from(["encryption", tag]), texts), max_size=2))


def _entry() -> st.SearchStrategy[list[Child]]:
    """Mostly the usual shape (a name, maybe a privilege, maybe a secret), sometimes leaves missing, repeated, or
    a look-alike nested one level down."""
    usual = st.tuples(
        NAMES.map(lambda name: [("name", name)]),
        st.lists(PRIVILEGES.map(lambda text: ("privilege", text)), max_size=2),
        st.lists(_holder("secret") | _holder("password"), max_size=1),
    ).map(lambda parts: [*parts[0], *parts[1], *parts[2]])
    odd = st.lists(
        st.tuples(st.just("name"), NAMES)
        | st.tuples(st.just("privilege"), PRIVILEGES)
        | _holder("secret")
        | st.tuples(st.just("view"), st.lists(st.tuples(st.sampled_from(["name", "privilege"]), NAMES), max_size=2)),
        max_size=5,
    )
    return st.one_of(usual, usual, usual, odd)


METHODS = ["local", "local-case", "none", "enable", "line", "group:TACG", "group:NOPE"]
EXEC_METHODS = ["local", "if-authenticated", "none", "group:TACG"]


def _method_list(holder: etree._Element, tag: str, methods: list[str]) -> None:
    entry = etree.SubElement(
        etree.SubElement(holder, f"{{{AAA_NS}}}{tag}"),
        f"{{{AAA_NS}}}exec" if tag == "authorization" else f"{{{AAA_NS}}}login",
    )
    etree.SubElement(entry, f"{{{AAA_NS}}}name").text = "default"
    for slot, method in enumerate(methods, 1):
        holder_el = etree.SubElement(entry, f"{{{AAA_NS}}}a{slot}")
        if method.startswith("group:"):
            etree.SubElement(holder_el, f"{{{AAA_NS}}}group").text = method.removeprefix("group:")
        else:
            etree.SubElement(holder_el, f"{{{AAA_NS}}}{method}")


def _config(
    users: list[list[Child]], login: list[str] | None, authorization: list[str] | None, enable: bool
) -> etree._Element:
    tree = etree.Element("{urn:ietf:params:xml:ns:netconf:base:1.0}config")
    native = etree.SubElement(tree, n("native"))
    decoy = etree.SubElement(native, n("line"))  # leaves of the same tags elsewhere are no users
    etree.SubElement(decoy, n("privilege")).text = "15"
    etree.SubElement(decoy, n("name")).text = "admin"
    if enable:
        secret = etree.SubElement(etree.SubElement(native, n("enable")), n("secret"))
        etree.SubElement(secret, n("type")).text = "9"
        etree.SubElement(secret, n("secret")).text = "$9$enable"
    for children in users:
        add_username(native, children)
    if login is not None or authorization is not None:
        aaa = etree.SubElement(native, n("aaa"))
        etree.SubElement(aaa, f"{{{AAA_NS}}}new-model")
        if login is not None:
            _method_list(aaa, "authentication", login)
        if authorization is not None:
            _method_list(aaa, "authorization", authorization)
        server = etree.SubElement(etree.SubElement(aaa, f"{{{AAA_NS}}}group"), f"{{{AAA_NS}}}server")
        group = etree.SubElement(server, f"{{{AAA_NS}}}tacacsplus")
        etree.SubElement(group, f"{{{AAA_NS}}}name").text = "TACG"
        member = etree.SubElement(etree.SubElement(group, f"{{{AAA_NS}}}server"), f"{{{AAA_NS}}}name")
        etree.SubElement(member, f"{{{AAA_NS}}}name").text = "T1"
        tacacs = etree.SubElement(etree.SubElement(native, n("tacacs")), f"{{{AAA_NS}}}server")
        etree.SubElement(tacacs, f"{{{AAA_NS}}}name").text = "T1"
        address = etree.SubElement(tacacs, f"{{{AAA_NS}}}address")
        etree.SubElement(address, f"{{{AAA_NS}}}ipv4").text = "127.0.0.1"
    return tree


def _answer(fn: Callable[[etree._Element], NetconfAccess], tree: etree._Element) -> NetconfAccess | str:
    """What ``fn(tree)`` gives, or the kind of error it raises (both paths must refuse alike)."""
    try:
        return fn(tree)
    except ValueError as exc:
        return type(exc).__name__


def _whole(tree: etree._Element) -> NetconfAccess:
    """The reference: the answer of the view of every user."""
    return access_of(read_aaa(tree))


#: the first users log in with nothing: whether one of them gets past the login list decides which path answers
_LOCKED = st.lists(
    st.tuples(NAMES, st.sampled_from(["1", "15"])).map(lambda user: [("name", user[0]), ("privilege", user[1])]),
    min_size=FIRST_USERS - 1,
    max_size=FIRST_USERS + 1,
)
#: a user who logs in with a secret (mostly under a name the first users do not have)
_WITH_SECRET = st.sampled_from(["later", "Later", "admin"]).map(
    lambda name: [("name", name), ("secret", [("encryption", "9"), ("secret", "$9$stored")])]
)
users = st.lists(_entry(), max_size=FIRST_USERS * 2 + 4) | st.builds(
    lambda head, tail: [*head, *tail], _LOCKED, st.lists(_entry() | _WITH_SECRET, max_size=6)
)
configs = st.builds(
    _config,
    users=users,
    login=st.none() | st.lists(st.just("local") | st.sampled_from(METHODS), min_size=1, max_size=3),
    authorization=st.none() | st.lists(st.just("group:TACG") | st.sampled_from(EXEC_METHODS), min_size=1, max_size=3),
    enable=st.booleans(),
)


@settings(max_examples=500, deadline=None)
@given(tree=configs)
def test_the_report_from_a_few_users_is_the_whole_views_answer(tree: etree._Element) -> None:
    assert _answer(netconf_access, tree) == _answer(_whole, tree)


@settings(max_examples=300, deadline=None)
@given(tree=configs, level=st.sampled_from([0, 1, 7, 15]))
def test_namesakes_are_those_of_reading_every_user(tree: etree._Element, level: int) -> None:
    entries = list(users_of(tree))
    try:
        users = [_local_user(entry) for entry in entries]
    except ValueError:
        return  # a privilege int() refuses: the whole view raises (the report's answer is compared above)
    folds = {user.name.casefold() for user in users if user.privilege >= level}
    expected = [entry for entry, user in zip(entries, users, strict=True) if user.name.casefold() in folds]
    assert namesakes_of_privileged(tree, level) == expected


def test_a_hundred_weak_users_after_the_admin() -> None:
    """The start-up shape: the admin first, many users of privilege 1 after it, and one more admin among them."""
    weak: list[list[Child]] = [
        [("name", f"user{i}"), ("privilege", "1"), ("secret", [("encryption", "9")])] for i in range(100)
    ]
    admin: list[Child] = [("name", "admin"), ("privilege", "15"), ("secret", [("encryption", "9"), ("secret", "$9$x")])]
    late: list[Child] = [("name", "late"), ("privilege", "15"), ("secret", [("encryption", "9"), ("secret", "$9$y")])]
    tree = _config([admin, *weak[:50], late, *weak[50:]], ["local"], None, False)
    assert netconf_access(tree).admins == ("admin", "late")
    assert netconf_access(tree) == _whole(tree)


def test_nobody_of_the_first_gets_past_the_login_list() -> None:
    """Then a later user may (and read the authorization list, naming its TACACS+ group): the whole view answers."""
    nobody: list[list[Child]] = [[("name", f"user{i}"), ("privilege", "1")] for i in range(FIRST_USERS)]
    later: list[Child] = [("name", "later"), ("privilege", "1"), ("secret", [("encryption", "9"), ("secret", "$9$")])]
    tree = _config([*nobody, later], ["local"], ["group:TACG"], False)
    assert netconf_access(tree) == _whole(tree)
    assert netconf_access(tree).servers == ("group:TACG",)
