"""``crypto key generate rsa …`` and ``crypto key zeroize rsa [L]`` as configuration lines: what their parameters
mean, and how a configuration file runs them.

IOS takes these lines in configuration mode, but they store nothing: they act on the key store. The CLI table
declares them ``action=True`` (one grammar for typing and for files, carets included), so parsing a line yields
a :class:`~iosxe_agent.device.cli_map.parse.Action`. The CLI runs a typed one with IOS's questions
(:mod:`iosxe_agent.cli.crypto_cmds`); a file (SCP upload to running-config, ``copy flash:F running-config``) runs
its actions here once its configuration is committed, in file order and without questions: no modulus is the
default size, existing keys are replaced, a zeroize just happens. The default key name comes from running as it
is after the commit (so a file's own ``hostname`` / ``ip domain name`` lines count wherever they stand).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from lxml import etree

from iosxe_agent.device import views
from iosxe_agent.device.cli_map.parse import Action
from iosxe_agent.device.keys import KeyStore

log = logging.getLogger(__name__)

GENERATE = "crypto-key-generate-rsa"
ZEROIZE = "crypto-key-zeroize-rsa"


@dataclass(frozen=True, slots=True)
class GenerateRequest:
    """``crypto key generate rsa [general-keys|usage-keys] [label L] [modulus N] [exportable]`` as typed."""

    label: str | None
    usage_keys: bool
    modulus: int | None  # None: not given (the CLI asks, a file takes the default)
    exportable: bool


def generate_request(action: Action) -> GenerateRequest:
    """The parameters of a ``crypto key generate rsa`` action (the table has checked their syntax and range)."""
    modulus = action.value("modulus")
    return GenerateRequest(
        label=action.value("label"),
        usage_keys=action.has("usage-keys"),
        modulus=int(modulus) if modulus is not None else None,
        exportable=action.has("exportable"),
    )


def zeroize_label(action: Action) -> str | None:
    """The key name of a ``crypto key zeroize rsa [L]`` action (None: every RSA key)."""
    return action.value("label")


class FileActions:
    """Runs the actions of a committed configuration file on one device's key store."""

    def __init__(self, keys: KeyStore, running: Callable[[], etree._Element]) -> None:
        self.keys = keys
        self.running = running  # the device's running tree, read when each action runs

    async def __call__(self, actions: Sequence[Action]) -> None:
        """Run ``actions`` in order; a refused one (no domain name for the default name, an unknown key) is
        skipped, as IOS goes on with the next line of a file."""
        for action in actions:
            if action.command == GENERATE:
                request = generate_request(action)
                identity = views.identity(self.running())
                result = await self.keys.agenerate_rsa(
                    request.label,
                    hostname=identity.hostname,
                    domain=identity.domain,
                    modulus=request.modulus,
                    usage_keys=request.usage_keys,
                    exportable=request.exportable,
                )
                error = result.error
            elif action.command == ZEROIZE:
                error = (await self.keys.azeroize_rsa(zeroize_label(action))).error
            else:
                error = f"no such action {action.command!r}"
            if error is not None:
                log.info("configuration file: %s refused: %s", action.command, error)
