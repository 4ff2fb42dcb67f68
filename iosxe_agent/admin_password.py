"""Where the admin password comes from: a file, the environment, or (discouraged) the command line.

A command-line argument is readable by every local user (``ps``, ``/proc/PID/cmdline``) for as long as the
process runs, so ``--admin-password`` still works but warns; ``--admin-password-file`` and
``IOSXE_AGENT_ADMIN_PASSWORD`` keep the password out of the argument list. Only one source may be given
explicitly: a file and a command-line password together are an error rather than a silent preference.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

PASSWORD_ENV = "IOSXE_AGENT_ADMIN_PASSWORD"
#: the admin user of a first start (``--admin-user``); not a secret, but read here beside its password
USER_ENV = "IOSXE_AGENT_ADMIN_USER"
#: A password file is a secret, not a configuration file: anything longer is not what the option is for.
MAX_PASSWORD_FILE_BYTES = 4096
CLI_WARNING = (
    f"iosxe-agent: warning: --admin-password is visible to every local user (ps, /proc/PID/cmdline);"
    f" use --admin-password-file FILE or {PASSWORD_ENV}"
)


class PasswordSourceError(Exception):
    """The password source cannot be used; the message says why."""


def read_password_file(path: Path) -> str:
    """The first line of ``path`` without its line ending (a trailing newline is how editors save files)."""
    try:
        with path.open("rb") as f:
            data = f.read(MAX_PASSWORD_FILE_BYTES + 1)
            info = os.fstat(f.fileno())
    except OSError as exc:
        raise PasswordSourceError(f"cannot read the password file {path}: {exc.strerror}") from None
    if len(data) > MAX_PASSWORD_FILE_BYTES:
        raise PasswordSourceError(f"the password file {path} is longer than {MAX_PASSWORD_FILE_BYTES} bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise PasswordSourceError(f"the password file {path} is not UTF-8 text") from None
    password = text.split("\n", 1)[0].removesuffix("\r")
    if not password:
        raise PasswordSourceError(f"the password file {path} is empty")
    if exposed(info):
        print(f"iosxe-agent: warning: {path} is readable by other users (chmod 600 it)", file=sys.stderr)
    return password


def exposed(info: os.stat_result) -> bool:
    """Can users other than ours read the file? Any user can through the "other" bits; through the group bits
    only members of a group we are not in. A Kubernetes Secret mounted with ``fsGroup`` is 0440 with the pod's
    own supplementary group: not a leak, and no reason to warn on every start."""
    if info.st_mode & stat.S_IRWXO:
        return True
    ours = {os.getgid(), *os.getgroups()}
    return bool(info.st_mode & stat.S_IRWXG) and info.st_gid not in ours


def admin_password(cli: str | None, file: Path | None, env: str | None) -> tuple[str | None, str | None]:
    """The admin password and a description of its source, from the first of file, command line, environment
    that is set; (None, None) when none is."""
    if cli is not None and file is not None:
        raise PasswordSourceError("give --admin-password or --admin-password-file, not both")
    if file is not None:
        return read_password_file(file), f"--admin-password-file {file}"
    if cli is not None:
        if not cli:
            raise PasswordSourceError("--admin-password may not be empty")
        print(CLI_WARNING, file=sys.stderr, flush=True)
        return cli, "--admin-password"
    if env:
        return env, f"the environment ({PASSWORD_ENV})"
    return None, None
