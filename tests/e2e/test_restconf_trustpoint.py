"""The self-signed certificate's trustpoint in the configuration, as a real 17.12 box prints it once ``ip http
secure-server`` has made the certificate: ``crypto pki trustpoint TP-self-signed-<n>`` and the ``crypto pki
certificate chain`` holding the very certificate the HTTPS server presents. Being configuration it is saved,
carried by ``more system:running-config`` files and ``configure replace``, and never doubled: a device restarted
from a startup saved with it keeps one copy, one restarted without it gets the lines of its existing certificate
again when RESTCONF starts.
"""

from __future__ import annotations

import re
import ssl
from collections.abc import Iterator

import pytest
from cli_dialogue import show
from own_agent import own_agent
from restconf_client import AgentProcess, enable_restconf

HEADER = re.compile(r"^crypto pki trustpoint (TP-self-signed-(\d+))$", re.M)


@pytest.fixture
def agent(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AgentProcess]:
    with own_agent(request, tmp_path_factory, "trustpoint", "--restconf-port", "0") as agent:
        yield agent


def chain_der(config: str, trustpoint: str) -> bytes:
    """The certificate the configuration's chain of ``trustpoint`` holds, from its hex lines."""
    block = config.split(f"crypto pki certificate chain {trustpoint}\n", 1)[1]
    lines = block.split("\n  \tquit", 1)[0].splitlines()
    assert lines[0] == " certificate self-signed 01"
    assert all(re.fullmatch(r"  [0-9A-F]{1,8}( [0-9A-F]{1,8}){0,7}", line) for line in lines[1:]), lines
    return bytes.fromhex("".join(lines[1:]))


def test_the_trustpoint_is_in_the_configuration_with_the_served_certificate(agent: AgentProcess) -> None:
    assert "crypto pki" not in show(agent, "show running-config")
    rc = enable_restconf(agent)
    config = show(agent, "show running-config")
    (found,) = HEADER.findall(config)
    trustpoint, number = found
    assert (
        f"crypto pki trustpoint {trustpoint}\n enrollment selfsigned\n"
        f" subject-name cn=IOS-Self-Signed-Certificate-{number}\n revocation-check none\n"
        f" rsakeypair {trustpoint}\n hash sha256\n!\n!\ncrypto pki certificate chain {trustpoint}\n" in config
    )
    assert config.index("multilink bundle-name authenticated") < config.index(trustpoint) < config.index("license")
    served = ssl.PEM_cert_to_DER_cert(ssl.get_server_certificate(("127.0.0.1", rc.port)))
    assert chain_der(config, trustpoint) == served
    # device-private: not NETCONF's
    with agent.connect() as m:
        assert trustpoint not in m.get_config("running").data_xml

    # saved, restarted: one copy, and the certificate the server presents is still that one
    show(agent, "write memory")
    agent.restart()
    agent.wait_for_output(r"RESTCONF on 127\.0\.0\.1:\d+")
    again = show(agent, "show running-config")
    assert HEADER.findall(again) == [found]
    assert chain_der(again, trustpoint) == served


def test_lines_come_back_once_for_an_existing_certificate_and_travel_with_files(agent: AgentProcess) -> None:
    rc = enable_restconf(agent)
    served = ssl.PEM_cert_to_DER_cert(ssl.get_server_certificate(("127.0.0.1", rc.port)))
    agent.restart()  # not saved: running is startup's, without restconf and without the lines
    assert "crypto pki" not in show(agent, "show running-config")
    enable_restconf(agent)  # the certificate exists already: its lines come back, once
    config = show(agent, "show running-config")
    ((trustpoint, _),) = HEADER.findall(config)
    assert chain_der(config, trustpoint) == served

    # a configuration file carries them: configure replace with a copy keeps them, one without removes them
    text = show(agent, "more system:running-config")
    assert chain_der(text, trustpoint) == served
    (agent.state_dir / "flash" / "with.cfg").write_text(text.replace("hostname Router", "hostname Other"))
    assert "\nRollback Done\n" in show(agent, "configure replace flash:with.cfg force")
    replaced = show(agent, "show running-config")
    assert "hostname Other" in replaced and HEADER.findall(replaced) == HEADER.findall(config)
    start, end = text.index("crypto pki trustpoint"), text.index("  \tquit\n") + len("  \tquit\n")
    (agent.state_dir / "flash" / "without.cfg").write_text(text[:start] + text[end:])
    assert "\nRollback Done\n" in show(agent, "configure replace flash:without.cfg force")
    assert "crypto pki" not in show(agent, "show running-config")
