"""What a user sees when the agent starts: IOS messages and the agent's own lines, no third-party noise."""

from __future__ import annotations


def test_start_up_prints_no_third_party_warnings(fresh_agent) -> None:
    """Before: cryptography's DSA and FFDH deprecation warnings (raised when asyncssh is imported) came first."""
    agent = fresh_agent()
    printed = "".join(agent.output)  # everything up to and including the NETCONF ready line
    assert "%SSH-5-ENABLED" in printed and "NETCONF on 127.0.0.1:" in printed
    assert "Warning" not in printed, printed  # e.g. CryptographyDeprecationWarning
