"""iosxe-agent: the management plane of a Cisco IOS XE 17.12 router (NETCONF, the IOS CLI, SCP) in one process.

asyncssh names the DSA and finite-field Diffie-Hellman types of ``cryptography`` when it is imported, and
``cryptography`` deprecates both with a warning printed before anything of ours: noise for a user, who can do
nothing about it (the agent never offers DSA, and its DH groups follow ``ip ssh dh min size``). Only those two
warnings, and only from asyncssh, are silenced, before any module imports asyncssh.
"""

import warnings

warnings.filterwarnings(
    "ignore", message=r"(DSA|Diffie-Hellman over finite fields \(FFDH\)) is deprecated", module=r"asyncssh\."
)
