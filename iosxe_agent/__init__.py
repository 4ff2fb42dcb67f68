"""iosxe-agent: the management plane of a Cisco IOS XE 17.12 router (NETCONF, the IOS CLI, SCP) in one process.

asyncssh names the DSA and finite-field Diffie-Hellman types of ``cryptography`` when it is imported, and
``cryptography`` deprecates both with a warning printed before anything of ours: noise for a user, who can do
nothing about it (the agent never offers DSA, and its DH groups follow ``ip ssh dh min size``). Only those two
warnings, and only from asyncssh, are silenced, before any module imports asyncssh.

The public API (``iosxe_agent.Device``, ``iosxe_agent.Fleet``: see :mod:`iosxe_agent.api`) and ``__version__``
are looked up on first use through the module ``__getattr__``: ``iosxe-agent --help`` and ``--version``, ``python
-m iosxe_agent`` and the pytest plugin's registration all import this package, and none of them should pay for
asyncssh, lxml, the router's layers or importlib.metadata before they need them.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

warnings.filterwarnings(
    "ignore", message=r"(DSA|Diffie-Hellman over finite fields \(FFDH\)) is deprecated", module=r"asyncssh\."
)

if TYPE_CHECKING:
    from iosxe_agent.api import Device, Fleet

    __version__: str

__all__ = ["Device", "Fleet", "__version__"]


def __getattr__(name: str) -> Any:
    """``Device`` / ``Fleet`` import :mod:`iosxe_agent.api` when first asked; ``__version__`` reads the installed
    distribution's metadata (importlib.metadata alone costs ~20 ms, which ``--help`` need not pay)."""
    if name in ("Device", "Fleet"):
        from iosxe_agent import api

        return getattr(api, name)
    if name == "__version__":
        from importlib import metadata

        try:
            version = metadata.version("iosxe-agent")
        except metadata.PackageNotFoundError:  # a source tree used without installing it (PYTHONPATH=.)
            version = "0+unknown"
        globals()["__version__"] = version  # asked once: later reads find the module attribute
        return version
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
