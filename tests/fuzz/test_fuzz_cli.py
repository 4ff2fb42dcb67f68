"""Fuzzing the IOS command line: the exec-mode matcher (match, ``?`` help, Tab) and the configuration-line
parser that both configuration mode and copied configuration files go through.

Lines are made of the real command words (abbreviated, mis-cased, with arguments out of range) mixed with noise.
Only a Match or an Error comes back, a command above the session's privilege never matches, and a configuration
file yields an edit plus per-line errors, never an exception.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from iosxe_agent.cli.exec_cmds import exec_tree
from iosxe_agent.cli.parser import Error, Match, Node, complete_word, help_lines, match
from iosxe_agent.device.cli_map.parse import parse_config_text
from iosxe_agent.device.cli_map.render import render_running_config
from iosxe_agent.router import Device

FUZZ = settings.get_profile("iosxe-fuzz")
ROOT = exec_tree()


def _words(root: Node) -> list[str]:
    out: set[str] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        out.add(node.name if node.arg is None else "1")
        stack.extend(node.children)
    return sorted(w for w in out if w)


EXEC_WORDS = _words(ROOT)
NOISE = st.sampled_from(["|", "include", "?", "\t", "0", "-1", "99999999999", "x" * 300, "ü", "'", '"', "%", "\\"])
WORD = st.one_of(
    st.sampled_from(EXEC_WORDS),
    st.sampled_from(EXEC_WORDS).flatmap(lambda w: st.integers(1, len(w)).map(lambda n: w[:n])),  # abbreviations
    st.sampled_from(EXEC_WORDS).map(str.upper),
    NOISE,
    st.text(max_size=8),
)
LINE = st.tuples(st.lists(WORD, max_size=8), st.sampled_from([" ", "  ", "\t", " \x00 "])).map(
    lambda t: t[1].join(t[0])
)


@settings(FUZZ, max_examples=3 * FUZZ.max_examples)
@given(LINE, st.sampled_from([0, 1, 7, 15]))
def test_exec_line(line: str, privilege: int) -> None:
    result = match(ROOT, line, privilege)
    assert isinstance(result, (Match, Error))
    if isinstance(result, Match):
        assert result.node.min_privilege <= privilege and result.node.handler is not None
    else:
        assert result.kind in ("invalid", "incomplete", "ambiguous") and result.render(8)
    assert all(isinstance(h, str) for h in help_lines(ROOT, line, privilege))
    completed = complete_word(ROOT, line, privilege)
    assert completed is None or (completed.endswith(" ") and len(completed) >= len(line.rstrip()))


@settings(FUZZ, max_examples=FUZZ.max_examples)
@given(data=st.data())
def test_config_file(device: Device, data: st.DataObject) -> None:
    running = device.stores.running
    shown = render_running_config(running, header=False).splitlines()
    lines = data.draw(
        st.lists(
            st.one_of(
                st.sampled_from(shown),
                st.sampled_from(shown).map(lambda s: "no " + s.strip()),
                st.sampled_from(shown).flatmap(lambda s: st.integers(0, len(s)).map(lambda n: s[:n])),
                st.sampled_from(["interface x", "line vty 0 99", "exit", "end", "!", " ", "ip ssh time-out 0"]),
                LINE,
            ),
            max_size=12,
        )
    )
    text = "\n".join(lines)
    edit, errors = parse_config_text(text, data.draw(st.sampled_from([running, None])))
    assert isinstance(edit, etree._Element)
    assert all(1 <= e.lineno <= len(text.splitlines()) for e in errors if e.lineno)
