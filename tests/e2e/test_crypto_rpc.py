"""Cisco-IOS-XE-rpc ``crypto`` (crypto key generate / zeroize rsa) through ncclient against the real agent."""

from __future__ import annotations

import json
import re
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree
from namespaces import IOS, NC, RPC
from ncclient.operations.rpc import RPCError
from ncclient.xml_ import to_ele

OK_LINE = r"\[OK\] \(elapsed time was \d+ seconds\)\n"


def generate(body: str) -> str:
    return f'<crypto xmlns="{RPC}"><generate><rsa>{body}</rsa></generate></crypto>'


def zeroize(label: str | None) -> str:
    rsa = "<rsa/>" if label is None else f"<rsa>{label}</rsa>"
    return f'<crypto xmlns="{RPC}"><key><zeroize>{rsa}</zeroize></key></crypto>'


def call(m, xml: str) -> str:
    """Send the RPC and return the text of its ``<result>``."""
    reply = m.dispatch(to_ele(xml))
    root = etree.fromstring(reply.xml.encode())
    results = root.findall(f"{{{RPC}}}result")
    assert len(results) == 1, reply.xml
    return results[0].text or ""


def domain_config(inner: str) -> str:
    return f'<config xmlns="{NC}"><native xmlns="{IOS}"><ip><domain>{inner}</domain></ip></native></config>'


def refused(m, xml: str) -> RPCError:
    with pytest.raises(RPCError) as exc:
        m.dispatch(to_ele(xml))
    return exc.value


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def nc(agent) -> Iterator:
    m = agent.connect()
    yield m
    if m.connected:
        m.close_session()


def test_default_label_replaces_the_bootstrap_key(agent, nc) -> None:
    keys = agent.state_dir / "keys"
    before = (keys / "Router.lab.local.pem").read_bytes()
    text = call(nc, generate("<modulus>2048</modulus>"))
    assert re.fullmatch(
        r"% You already have RSA keys defined named Router\.lab\.local\.\n"
        r"% They will be replaced\.\n"
        r"\n"
        r"% The key modulus size is 2048 bits\n"
        r"% Generating 2048 bit RSA keys, keys will be non-exportable\.\.\.\n" + OK_LINE,
        text,
    ), text
    assert (keys / "Router.lab.local.pem").read_bytes() != before
    assert mode(keys) == 0o700 and mode(keys / "Router.lab.local.pem") == 0o600


def test_label_usage_keys_exportable_then_zeroize(agent, nc) -> None:
    keys = agent.state_dir / "keys"
    text = call(nc, generate("<usage-keys/><label>NC-USAGE</label><exportable/>"))
    block = (
        r"\n% The key modulus size is 2048 bits\n% Generating 2048 bit RSA keys, keys will be exportable\.\.\.\n"
        + OK_LINE
    )
    assert re.fullmatch(r"The name for the keys will be: NC-USAGE\n" + block + block, text), text
    for member, usage in (("NC-USAGE#sig", "signature"), ("NC-USAGE#enc", "encryption")):  # one name, two pairs
        assert mode(keys / f"{member}.pem") == 0o600
        meta = json.loads((keys / f"{member}.json").read_text())
        assert meta["label"] == "NC-USAGE" and meta["usage"] == usage and meta["exportable"] is True
    text = call(nc, zeroize("NC-USAGE"))
    assert text == (
        "% Keys to be removed are named 'NC-USAGE'.\n% All router certs issued using these keys will also be removed.\n"
    )
    assert not list(keys.glob("NC-USAGE*"))


def test_general_keys_with_label_and_4096_bits(agent, nc) -> None:
    text = call(nc, generate("<general-keys/><label>NC-BIG</label><modulus>4096</modulus><redundancy/>"))
    assert text.startswith("The name for the keys will be: NC-BIG\n\n% The key modulus size is 4096 bits\n")
    assert (agent.state_dir / "keys" / "NC-BIG.pem").exists()
    call(nc, zeroize("NC-BIG"))


def test_zeroize_an_unknown_label_is_refused(nc) -> None:
    err = refused(nc, zeroize("NC-NO-SUCH-KEY"))
    assert (err.type, err.tag, err.severity) == ("application", "operation-failed", "error")
    assert err.message == "% RSA keypair NC-NO-SUCH-KEY does not exist."


def test_without_a_domain_name_only_a_label_works(agent, nc) -> None:
    nc.edit_config(target="running", config=domain_config(f'<name xmlns:nc="{NC}" nc:operation="delete"/>'))
    try:
        err = refused(nc, generate(""))
        assert (err.type, err.tag) == ("application", "operation-failed")
        assert err.message == "% Please define a domain-name first."
        text = call(nc, generate("<label>NC-NODOMAIN</label>"))
        assert text.startswith("The name for the keys will be: NC-NODOMAIN\n")
        call(nc, zeroize("NC-NODOMAIN"))
    finally:
        nc.edit_config(target="running", config=domain_config("<name>lab.local</name>"))


def test_a_modulus_17x_no_longer_accepts_is_refused(agent, nc) -> None:
    err = refused(nc, generate("<label>NC-SMALL</label><modulus>1024</modulus>"))
    assert (err.type, err.tag) == ("application", "operation-failed")
    assert err.message == "% Invalid modulus size. Choose a key modulus in the range of 2048 to 4096."
    assert not (agent.state_dir / "keys" / "NC-SMALL.pem").exists()


@pytest.mark.parametrize("value", ["5000", "359", "big", "-1"])
def test_a_modulus_outside_the_model_is_invalid_value(nc, value: str) -> None:
    err = refused(nc, generate(f"<label>NC-BAD</label><modulus>{value}</modulus>"))
    assert (err.type, err.tag) == ("application", "invalid-value")
    assert err.path is not None and err.path.strip().endswith(":modulus")


def test_unknown_elements_are_refused(nc) -> None:
    err = refused(nc, generate("<label>NC-X</label><bogus/>"))
    assert (err.type, err.tag) == ("protocol", "unknown-element")
    assert "bogus" in (err.info or "")
    err = refused(nc, f'<crypto xmlns="{RPC}"><pki/></crypto>')
    assert err.tag == "unknown-element"


def test_what_the_model_has_but_the_device_lacks(nc) -> None:
    err = refused(nc, f'<crypto xmlns="{RPC}"><generate><ec><keysize>256</keysize></ec></generate></crypto>')
    assert err.tag == "operation-not-supported"
    err = refused(nc, generate("<general-keys/><usage-keys/>"))
    assert err.tag == "invalid-value"


def test_keys_survive_a_restart_and_nothing_secret_is_logged(fresh_agent) -> None:
    a = fresh_agent()
    m = a.connect()
    call(m, generate("<label>NC-PERSIST</label><exportable/>"))
    m.close_session()
    pem = (a.state_dir / "keys" / "NC-PERSIST.pem").read_text()
    a.restart()
    m = a.connect()
    text = call(m, generate("<label>NC-PERSIST</label>"))
    assert text.startswith("% You already have RSA keys defined named NC-PERSIST.\n% They will be replaced.\n")
    text = call(m, zeroize(None))
    assert text.startswith("% All RSA keys will be removed.\n")
    assert not list((a.state_dir / "keys").glob("*.pem"))
    m.close_session()
    proc = a.proc
    assert proc is not None and proc.stdout is not None
    a.stop()
    log = "".join(a.output) + proc.stdout.read()
    assert (
        "%CRYPTO_ENGINE-5-KEY_ADDITION: A key named NC-PERSIST has been generated or imported by crypto-engine" in log
    )
    assert "%CRYPTO_ENGINE-5-KEY_DELETED: A key named NC-PERSIST has been removed from key storage" in log
    assert "PRIVATE KEY" not in log
    body = "".join(pem.splitlines()[1:-1])
    assert not any(body[i : i + 32] in log for i in range(0, len(body) - 32, 32))
