"""The grammar of the exec command ``ssh`` (pure): its command tree, its parsed arguments, IOS's algorithm names.

IOS accepts ``ssh [-v {1|2}] [-c CIPHER] [-m MAC] [-l USER] [-o numberofpasswordprompts N] [-p PORT] [-vrf VRF]
{IP|HOST} [COMMAND]`` with the options in any order, each at most once, before the host; everything after the
host is the remote command. The tree is built so that the shared matcher (:mod:`iosxe_agent.cli.parser`) gives
``?`` help after every word and IOS's caret for a bad one: after each set of options already typed, the remaining
options and the host are offered again. The states (subsets of the seven options) are shared, so the tree is a DAG
of ~2,200 nodes, not one node per ordering.

Every word of the command must reach the handler, in order, and the matcher hands over only the words of
*argument* nodes; so the option names are argument nodes whose checks accept exactly their name or an unambiguous
abbreviation (``-vr`` is ``-vrf``; ``-v`` is ``-v``), and :func:`parse_args` turns the words back into
:class:`SshArgs`. Each option has a single value node (``-c ?`` lists the ciphers in its help text rather than one
line per cipher): the matcher's visibility test and tree walkers follow every path of the DAG, and a node per
cipher and MAC would make that 2 million paths instead of 57,000.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from iosxe_agent.cli.parser import Node
from iosxe_agent.digits import ascii_digits

HOST_HELP = "IP address or hostname of a remote system"
COMMAND_HELP = "Remote command to run after connecting"
DEFAULT_PROMPTS = 3  # IOS: three password prompts per authentication method unless -o numberofpasswordprompts
MAX_PROMPTS = 5
DEFAULT_PORT = 22

#: ``-c`` as IOS names the ciphers → the SSH wire (and asyncssh) name; order is IOS's ``?`` order.
CIPHERS: Mapping[str, str] = {
    "3des": "3des-cbc",
    "aes128-cbc": "aes128-cbc",
    "aes128-ctr": "aes128-ctr",
    "aes192-cbc": "aes192-cbc",
    "aes192-ctr": "aes192-ctr",
    "aes256-cbc": "aes256-cbc",
    "aes256-ctr": "aes256-ctr",
}
#: ``-m`` as IOS names the MACs → the SSH wire name (``hmac-sha1-160`` is plain ``hmac-sha1``).
MACS: Mapping[str, str] = {
    "hmac-md5-128": "hmac-md5",
    "hmac-md5-96": "hmac-md5-96",
    "hmac-sha1-160": "hmac-sha1",
    "hmac-sha1-96": "hmac-sha1-96",
}
PROMPTS_OPTION = "numberofpasswordprompts"


@dataclass(frozen=True, slots=True)
class _Option:
    """One ``-x`` option: its help, and its value as (name ``?`` shows, help, check)."""

    name: str
    help: str
    value: tuple[str, str, Callable[[str], bool] | None]


def _keyword(name: str, siblings: tuple[str, ...]) -> Callable[[str], bool]:
    """The check of a keyword-like argument: its name or an abbreviation that is not exactly a sibling's name."""
    return lambda word: name.startswith(word.lower()) and (word.lower() == name or word.lower() not in siblings)


def _one_of(names: tuple[str, ...]) -> Callable[[str], bool]:
    """The check of an enumerated value: one of ``names`` or an abbreviation of exactly one of them."""
    return lambda word: word.lower() in names or sum(name.startswith(word.lower()) for name in names) == 1


def _range(lo: int, hi: int) -> Callable[[str], bool]:
    return lambda word: ascii_digits(word) and lo <= int(word) <= hi


OPTIONS: tuple[_Option, ...] = (
    _Option("-c", "Select encryption algorithm", ("WORD", "One of " + ", ".join(CIPHERS), _one_of(tuple(CIPHERS)))),
    _Option("-l", "Log in using this user name", ("WORD", "Login name", None)),
    _Option("-m", "Select HMAC algorithm", ("WORD", "One of " + ", ".join(MACS), _one_of(tuple(MACS)))),
    _Option("-o", "Specify options", (PROMPTS_OPTION, "Number of password prompts", _keyword(PROMPTS_OPTION, ()))),
    _Option("-p", "Connect to this port", ("<1-65535>", "Port number", _range(1, 65535))),
    _Option("-v", "Specify SSH Protocol Version", ("<1-2>", "Protocol version", _range(1, 2))),
    _Option("-vrf", "Specify vrf name", ("WORD", "VRF name", None)),
)
_NAMES = tuple(o.name for o in OPTIONS)


@dataclass(frozen=True, slots=True)
class SshArgs:
    """One ``ssh`` command line, parsed. ``cipher``/``mac`` are IOS's names (``None``: offer the defaults)."""

    host: str
    user: str | None = None
    port: int = DEFAULT_PORT
    version: int = 2
    cipher: str | None = None
    mac: str | None = None
    prompts: int = DEFAULT_PROMPTS
    vrf: str | None = None
    command: str | None = None

    @property
    def encryption_algs(self) -> tuple[str, ...] | None:
        """What the client offers for ``-c``: exactly that cipher (None: the client's default list)."""
        return (CIPHERS[self.cipher],) if self.cipher else None

    @property
    def mac_algs(self) -> tuple[str, ...] | None:
        """What the client offers for ``-m``: exactly that MAC (None: the client's default list)."""
        return (MACS[self.mac],) if self.mac else None


def register(root: Node, handler: Any, help_text: str) -> Node:
    """Add ``ssh`` and its whole grammar under ``root`` (privilege 1, as on IOS); ``handler(s, words)``."""
    states: dict[frozenset[str], list[Node]] = {}
    ssh = Node("ssh", help_text, children=_state(frozenset(), states, handler))
    root.children.append(ssh)
    return ssh


def _state(used: frozenset[str], states: dict[frozenset[str], list[Node]], handler: Any) -> list[Node]:
    """The words that may follow once the options in ``used`` are typed: the host, then each unused option."""
    if used in states:
        return states[used]
    command = Node("LINE", COMMAND_HELP, arg="LINE", handler=handler)
    host = Node("WORD", HOST_HELP, arg="WORD", check=_is_host, handler=handler, children=[command])
    children = [host]  # first: the parser's visibility test stops at the first node with a handler
    states[used] = children
    for option in OPTIONS:
        if option.name in used:
            continue
        after = _state(used | {option.name}, states, handler)
        name, text, check = option.value
        value = Node(name, text, arg=name, check=check, children=after)
        if name == PROMPTS_OPTION:
            value.children = [Node("<1-5>", "Number of prompts", arg="<1-5>", check=_range(1, MAX_PROMPTS))]
            value.children[0].children = after
        children.append(Node(option.name, option.help, arg=option.name, check=_keyword(option.name, _NAMES)))
        children[-1].children = [value]
    return children


def _is_host(word: str) -> bool:
    """A host name or address never starts with ``-`` (that is a mistyped option, refused with the caret)."""
    return not word.startswith("-")


def _resolve(word: str, names: tuple[str, ...] | Mapping[str, str]) -> str:
    """The full name ``word`` abbreviates among ``names`` (exact first), as the matcher accepted it."""
    lowered = word.lower()
    if lowered in names:
        return lowered
    found = [name for name in names if name.startswith(lowered)]
    if len(found) != 1:
        raise ValueError(f"{word!r} is not one of {', '.join(names)}")
    return found[0]


def parse_args(words: tuple[str, ...]) -> SshArgs:
    """The words after ``ssh`` as the matcher handed them over (options and values, the host, then the rest of
    the line as one remote command) → :class:`SshArgs`.

    Raises:
        ValueError: the words do not follow the grammar (the matcher never hands such words over).
    """
    fields: dict[str, Any] = {}
    i = 0
    while i < len(words) and words[i].startswith("-"):
        name = _resolve(words[i], _NAMES)
        if name in fields:
            raise ValueError(f"{name} given twice")
        value = words[i + 1] if i + 1 < len(words) else ""
        if name == "-o":
            _resolve(value, (PROMPTS_OPTION,))
            count = words[i + 2] if i + 2 < len(words) else ""
            if not _range(1, MAX_PROMPTS)(count):
                raise ValueError(f"numberofpasswordprompts must be 1-{MAX_PROMPTS}")
            fields[name] = int(count)
            i += 3
            continue
        if not value:
            raise ValueError(f"{name} needs a value")
        fields[name] = value
        i += 2
    if i >= len(words) or not _is_host(words[i]):
        raise ValueError("no host")
    if len(words) > i + 2:
        raise ValueError("the remote command must be one word list")
    port = fields.get("-p", str(DEFAULT_PORT))
    if not _range(1, 65535)(port):
        raise ValueError(f"bad port {port!r}")
    return SshArgs(
        host=words[i],
        user=fields.get("-l"),
        port=int(port),
        version=int(_resolve(fields.get("-v", "2"), ("1", "2"))),
        cipher=_resolve(fields["-c"], CIPHERS) if "-c" in fields else None,
        mac=_resolve(fields["-m"], MACS) if "-m" in fields else None,
        prompts=fields.get("-o", DEFAULT_PROMPTS),
        vrf=fields.get("-vrf"),
        command=words[i + 1] if len(words) == i + 2 else None,
    )


_NO_MATCH = re.compile(
    r"No matching (key exchange|encryption|MAC|compression) algorithm found, sent (\S*) and received (\S*)"
)
_IOS_KIND = {"key exchange": "kex algorithm", "encryption": "cipher", "MAC": "hmac", "compression": "compression"}


def no_match_line(kind: str, client: Sequence[str], server: Sequence[str]) -> str:
    """``%SSH-3-NO_MATCH`` for one list (``kind``: ``cipher``, ``hmac`` …) that has nothing in common."""
    return f"%SSH-3-NO_MATCH: No matching {kind} found: client {','.join(client)} server {','.join(server)}"


def no_match_of_offer(args: SshArgs, server_encryption: Sequence[str], server_mac: Sequence[str]) -> str | None:
    """The ``%SSH-3-NO_MATCH`` line for the lists ``-c``/``-m`` restrict, against what the server offered (its
    client-to-server lists); None when both have an algorithm in common (or were not restricted)."""
    for kind, ours, theirs in (
        ("cipher", args.encryption_algs, server_encryption),
        ("hmac", args.mac_algs, server_mac),
    ):
        if ours and not any(alg in theirs for alg in ours):
            return no_match_line(kind, ours, theirs)
    return None


def no_match_message(reason: str) -> str | None:
    """The ``%SSH-3-NO_MATCH`` line IOS logs when negotiation fails, from asyncssh's reason (None: not that).

    Real capture (a 2960 client): ``%SSH-3-NO_MATCH: No matching cipher found: client aes128-cbc,3des-cbc,…
    server aes128-ctr,…``; the ``hmac``/``kex algorithm`` words for the other lists are our choice (UNVERIFIED).
    """
    m = _NO_MATCH.search(reason)
    if m is None:
        return None
    kind, client, server = m.groups()
    return no_match_line(_IOS_KIND[kind], client.split(","), server.split(","))
