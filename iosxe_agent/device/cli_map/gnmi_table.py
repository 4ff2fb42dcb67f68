"""The gNMI servers' commands: part of the one CLI table (:mod:`.table` merges it).

``gnmi-yang`` and its options, as IOS XE 17.12 prints them just before ``netconf-yang``. They live in Cisco's
Cisco-IOS-XE-gnmi-cfg (``/gnmi-cfg-data/config``, a presence container beside ``native``, not inside it: the
table reaches it through :data:`.syntax.BESIDE_NATIVE`), so NETCONF, RESTCONF and gNMI read and write the same
settings the CLI does. ``gnmi-yang`` turns the feature on (``enable``) and ``no gnmi-yang`` removes every gNMI
setting; the other ``no`` forms remove their own leaf (each has its YANG default).
"""

from __future__ import annotations

from iosxe_agent.device.cli_map.syntax import Arg, Command, Kw, Mode, Number, Seq, Word, seq
from iosxe_agent.device.names import GNMI_CFG_NS, NATIVE_NS

_CONFIG = Mode("config", NATIVE_NS)
_ANCHOR = "gnmi:gnmi-cfg-data/config"
_PORT = Number(1024, 65535)

#: Commands declared here, in running-config order (their ``?`` help is the YANG leaves' descriptions).
COMMANDS: list[Command] = []
MODES: tuple[Mode, ...] = ()
#: ``no gnmi-yang server`` alone must not take ``gnmi-yang`` (the presence container) with it.
PRESENCE: frozenset[tuple[str, ...]] = frozenset({(f"{{{GNMI_CFG_NS}}}gnmi-cfg-data", f"{{{GNMI_CFG_NS}}}config")})


def _add(cid: str, syntax: Seq, **kw: object) -> None:
    COMMANDS.append(Command(cid, _CONFIG, syntax, anchor=_ANCHOR, **kw))  # type: ignore[arg-type]


def _switch(cid: str, word: str, leaf: str) -> None:
    """``gnmi-yang WORD`` stores true in ``leaf``; its ``no`` form removes the leaf (default false)."""
    _add(cid, seq("gnmi-yang", Kw(word, set=((leaf, "true"),))))


_add("gnmi-yang", seq(Kw("gnmi-yang", set=(("enable", "true"),))), no="anchor")
_switch("gnmi-yang-server", "server", "service")
_add("gnmi-yang-port", seq("gnmi-yang", "port", Arg("port", _PORT)))
_switch("gnmi-yang-secure-server", "secure-server", "secure-enable")
_add("gnmi-yang-secure-trustpoint", seq("gnmi-yang", "secure-trustpoint", Arg("secure-tsname", Word())))
_switch("gnmi-yang-secure-client-auth", "secure-client-auth", "secure-client-auth")
_add(
    "gnmi-yang-secure-peer-trustpoint",
    seq("gnmi-yang", "secure-peer-trustpoint", Arg("secure-client-auth-tsname", Word())),
)
_add("gnmi-yang-secure-port", seq("gnmi-yang", "secure-port", Arg("secure-port", _PORT)))
_switch("gnmi-yang-secure-password-authentication", "secure-password-authentication", "secure-password-auth")

#: the ids in running-config order, for :data:`.table.RENDER_PLAN`
PLAN: tuple[str, ...] = tuple(c.id for c in COMMANDS)
