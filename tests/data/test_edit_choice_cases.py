"""Data for two cases of one choice in one edit is refused (RFC 7950 §8.3.1: bad-element), as yanglint refuses
the same data; changing case across edits, or deleting one case while writing another, still works."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from iosxe_agent.device.names import AAA_NS, NATIVE_NS

A = f'xmlns="{AAA_NS}"'
A1 = "ios:native/ios:aaa/a:authentication/a:login[a:name='default']/a:a1"
NS = {"ios": NATIVE_NS, "a": AAA_NS}
YANG = Path(__file__).resolve().parents[2] / "yang"


def login_a1(methods: str) -> str:
    return f"<aaa><authentication {A}><login><name>default</name><a1>{methods}</a1></login></authentication></aaa>"


def local_names(el: etree._Element | None) -> list[str]:
    assert el is not None
    return [etree.QName(c).localname for c in el if isinstance(c.tag, str)]


@pytest.fixture(scope="module")
def local(ios: Any) -> etree._Element:
    return ios.tree(f"<aaa><new-model {A}/></aaa>" + login_a1("<local/>"))


@pytest.mark.parametrize("option", ["stop-on-error", "rollback-on-error"])
def test_two_cases_in_one_edit_are_a_bad_element(ios: Any, local: etree._Element, option: str) -> None:
    result = ios.edit(local, login_a1("<local/><none/>"), error_option=option)
    assert result.tree is None
    (error,) = result.errors
    assert error.tag == "bad-element" and error.error_type == "application"
    assert error.message.startswith('Data for both cases "local" and "none" exist')
    assert error.path is not None and error.path.endswith("/ios-aaa:a1/ios-aaa:none")
    assert dict(error.info) == {"bad-element": "none"}


def test_continue_on_error_keeps_the_first_case_and_skips_the_second(ios: Any) -> None:
    tree = ios.tree(f"<aaa><new-model {A}/></aaa>")
    result = ios.edit(tree, login_a1("<group>TAC</group><none/>"), error_option="continue-on-error")
    assert [e.tag for e in result.errors] == ["bad-element"]
    assert result.tree is not None
    assert local_names(result.tree.find(A1, NS)) == ["group"]


@pytest.mark.parametrize(
    ("edit", "want"),
    [
        ("<none/>", ["none"]),  # a later edit changes the case: the old one goes (RFC 7950 §7.9.6)
        ('<local nc:operation="delete"/><none/>', ["none"]),  # deleting one case while writing another
        ('<none/><local nc:operation="remove"/>', ["none"]),
        ("<local/>", ["local"]),  # the same case again
    ],
)
def test_one_case_per_edit_is_fine(ios: Any, local: etree._Element, edit: str, want: list[str]) -> None:
    result = ios.edit(local, login_a1(edit))
    assert result.tree is not None and not result.errors, [e.message for e in result.errors]
    assert local_names(result.tree.find(A1, NS)) == want


def test_several_nodes_of_one_case_and_cases_of_different_parents(edge: Any, ios: Any, local: etree._Element) -> None:
    tree = edge.tree("<udp-port>53</udp-port>")
    result = edge.edit(tree, "<tcp-port>22</tcp-port><tcp-nodelay>true</tcp-nodelay>")
    assert result.tree is not None and not result.errors
    assert local_names(edge.find(result.tree, "te:top")) == ["tcp-port", "tcp-nodelay"]
    bad = edge.edit(tree, "<tcp-port>22</tcp-port><raw/>")
    assert bad.tree is None and bad.errors[0].tag == "bad-element"
    # the same choice under two list entries: one case each is one case per parent
    two = ios.edit(
        local,
        f"<aaa><authentication {A}><login><name>default</name><a1><none/></a1></login>"
        "<login><name>VTY</name><a1><local/></a1></login></authentication></aaa>",
    )
    assert two.tree is not None and not two.errors


@pytest.mark.skipif(shutil.which("yanglint") is None, reason="yanglint not installed (libyang2-tools)")
def test_yanglint_refuses_the_same_data(tmp_path: Path) -> None:
    ietf = Path(sys.prefix) / "share" / "yang" / "modules" / "ietf"  # pyang's IETF modules
    data = tmp_path / "two-cases.xml"
    login = "<login><name>default</name><a1><local/><none/></a1></login>"
    data.write_text(
        f'<native xmlns="{NATIVE_NS}"><aaa><new-model {A}/><authentication {A}>{login}</authentication></aaa></native>'
    )
    cmd = ["yanglint", "-t", "config", "-p", str(YANG), "-p", str(ietf)]
    cmd += [str(YANG / "Cisco-IOS-XE-native.yang"), str(YANG / "Cisco-IOS-XE-aaa.yang"), str(data)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert 'Data for both cases "none" and "local" exist.' in proc.stderr, proc.stderr
