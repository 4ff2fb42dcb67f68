"""The view of the device's own SSH client (pure): ``ip ssh stricthostkeycheck`` and the pubkey-chain servers,
read from the device-private nodes (``iosxe-agent-private``), with IOS's defaults when they are absent."""

from __future__ import annotations

import pytest
from lxml import etree
from namespaces import IOS, NC, PRIV

from iosxe_agent.device import views
from iosxe_agent.device.views import SshClientView

HASH = "5D24EA1D261C1836E437F4E67E2CEBEB"


def config(body: str = "") -> etree._Element:
    return etree.fromstring(f'<config xmlns="{NC}"><native xmlns="{IOS}">{body}</native></config>')


def server(name: str, *hashes: str) -> str:
    entries = "".join(
        f"<key-hash><key-type>ssh-rsa</key-type><key-hash-value>{h}</key-hash-value></key-hash>" for h in hashes
    )
    return f'<server xmlns="{PRIV}"><name>{name}</name>{entries}</server>'


@pytest.mark.parametrize(
    "tree",
    [etree.fromstring(f'<config xmlns="{NC}"/>'), config(), config("<ip><ssh><time-out>60</time-out></ssh></ip>")],
)
def test_defaults_are_ios_no_strict_checking_and_no_keys(tree: etree._Element) -> None:
    view = views.ssh_client(tree)
    assert view == SshClientView()
    assert view.strict_host_key_check is False and dict(view.server_keys) == {}


def test_stricthostkeycheck_turns_strict_checking_on() -> None:
    on = config(f'<ip><ssh><stricthostkeycheck xmlns="{PRIV}"/></ssh></ip>')
    assert views.ssh_client(on).strict_host_key_check is True


def test_server_keys_by_name_as_typed_with_upper_case_hashes() -> None:
    chain = server("server1", HASH.lower(), "key1") + server("127.0.0.2", HASH)
    # a user's key-hash of the same chain is the server's business, not the client's
    user = server("bob", "A" * 32).replace(f' xmlns="{PRIV}"', "").replace("server>", "username>")
    view = views.ssh_client(config(f"<ip><ssh><pubkey-chain>{user}{chain}</pubkey-chain></ssh></ip>"))
    assert dict(view.server_keys) == {"server1": frozenset({HASH, "KEY1"}), "127.0.0.2": frozenset({HASH})}
    assert view.strict_host_key_check is False


def test_a_server_without_a_key_is_known_and_trusts_nothing() -> None:
    view = views.ssh_client(config(f"<ip><ssh><pubkey-chain>{server('S')}</pubkey-chain></ssh></ip>"))
    assert dict(view.server_keys) == {"S": frozenset()}


def test_the_view_is_immutable() -> None:
    view = views.ssh_client(config(f"<ip><ssh><pubkey-chain>{server('S', HASH)}</pubkey-chain></ssh></ip>"))
    with pytest.raises(TypeError):
        view.server_keys["T"] = frozenset()  # type: ignore[index]


def test_the_view_is_memoised_per_tree() -> None:
    tree = config(f'<ip><ssh><stricthostkeycheck xmlns="{PRIV}"/></ssh></ip>')
    assert views.ssh_client(tree) is views.ssh_client(tree)
