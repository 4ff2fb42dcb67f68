"""Inventories of a running fleet for the tools labs drive routers with (``iosxe-agent fleet --write-inventory DIR``).

Why: a fleet is only useful once the user's automation can find it. Each tool has its own inventory format, and
each must reach every device with the admin credential *without the password ever being written to disk*: every
file names the environment variable that holds it (``IOSXE_AGENT_ADMIN_PASSWORD`` unless told otherwise), which
the tool reads when it runs. The renderers are pure (a :class:`Ready` in, text out); :func:`write_inventories` is
the only I/O.

Files written into ``DIR`` (created 0755; files 0644, each replaced atomically, so a tool never reads half a file):

``ansible-inventory.yaml``
    Ansible YAML inventory. ``all.vars``: ``ansible_user``, ``ansible_password: '{{ lookup("env", "VAR") }}'``,
    ``ansible_network_os: cisco.ios.ios``, ``ansible_python_interpreter: "{{ ansible_playbook_python }}"`` (the
    network modules run on the controller), host key checking off (each device makes its own key at its first
    start). Two groups, since one Ansible host has one connection: ``iosxe_cli`` (hosts ``R1`` …,
    ``ansible_connection: ansible.netcommon.network_cli``, ``ansible_port`` = SSH port) and ``iosxe_netconf``
    (hosts ``R1-netconf`` …, ``ansible.netcommon.netconf``, ``ansible_port`` = NETCONF port); ``ansible_host`` is
    the device's address. ``ansible -i DIR/ansible-inventory.yaml iosxe_cli -m cisco.ios.ios_facts``. Devices
    with a RESTCONF port are also in ``iosxe_restconf`` (hosts ``R1-restconf`` …, ``ansible.netcommon.httpapi``
    with ``ansible_network_os: ansible.netcommon.restconf``, HTTPS on ``ansible_httpapi_port``; the device's
    self-signed certificate is not verified, as host keys are not).

``nornir/hosts.yaml``, ``nornir/groups.yaml``, ``nornir/defaults.yaml``, ``nornir/config.yaml``
    Nornir ``SimpleInventory``: each host has ``hostname`` (address), ``port`` (SSH), group ``iosxe`` and
    ``data.netconf_port`` (and ``restconf_port``, ``gnmi_port``, ``gnmi_secure_port``); the group sets
    ``platform: cisco_ios`` (netmiko's name); defaults hold the username.
    ``config.yaml`` names the three files by absolute path (Nornir resolves relative ones against the current
    directory). Nornir has no environment lookup in its files, so the password is set where Nornir users set
    secrets, at run time::

        nr = InitNornir(config_file="DIR/nornir/config.yaml")
        nr.inventory.defaults.password = os.environ["IOSXE_AGENT_ADMIN_PASSWORD"]

``pyats-testbed.yaml``
    pyATS/genie testbed: ``testbed.credentials.default`` with the username and ``password: "%ENV{VAR}"`` (pyATS
    markup, read when the testbed is loaded); per device ``os: iosxe``, ``platform: cat8k``, ``type: router`` and
    a ``cli`` connection (``protocol: ssh``, ``ip``, ``port``, ssh options that skip host key checking). Two
    unicon choices: ``arguments.init_config_commands: []`` (by default unicon configures every device it
    connects to: ``no logging console`` and console/vty ``exec-timeout 0``; looking at a lab must not change
    its running-config, and the agent does not model ``logging console``), and no wait after a disconnect
    (``settings``). ``testbed = loader.load(FILE); testbed.connect(); testbed.devices["R1"].execute("show version")``.

``devices.csv``
    ``name,host,ssh_port,netconf_port,restconf_port,gnmi_port,gnmi_secure_port``, one row per device, for
    scripts and spreadsheets (an API port 0: chosen by the kernel when that server is turned on).

Device names become keys in YAML and host names in every tool, so they are checked first (:func:`check_names`): a
name must be a plain host name (letters, digits, ``.``, ``_``, ``-``), which also keeps Ansible's Jinja and
pyATS's ``%{…}`` markup out of the files. YAML-ambiguous names (``yes``, ``1e3``, ``null``) are quoted by the
YAML writer, so they read back as the same strings.
"""

from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path
from typing import Any

import yaml

from iosxe_agent.admin_password import PASSWORD_ENV
from iosxe_agent.datastore.persist import atomic_write
from iosxe_agent.fleet.endpoints import Endpoint, Ready

ANSIBLE_FILE = "ansible-inventory.yaml"
NORNIR_DIR = "nornir"
TESTBED_FILE = "pyats-testbed.yaml"
CSV_FILE = "devices.csv"

#: the Ansible host name of a device's NETCONF face (its CLI face is the bare device name)
NETCONF_SUFFIX = "-netconf"
RESTCONF_SUFFIX = "-restconf"
#: the Nornir group every device belongs to, which carries netmiko's platform name
NORNIR_GROUP = "iosxe"
#: the columns of ``devices.csv``: Endpoint fields
CSV_COLUMNS = ("name", "host", "ssh_port", "netconf_port", "restconf_port", "gnmi_port", "gnmi_secure_port")

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,62}")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,127}")
#: pyATS/unicon start the system ``ssh``; fleet devices make fresh host keys, which no known_hosts holds
_SSH_OPTIONS = "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null"
#: unicon waits after each disconnect for a real router to free its vty line (10 s by default); a fleet device
#: frees it when the socket closes, and 1,000 devices times 10 s is a lab run lost
_UNICON_SETTINGS = {"POST_DISCONNECT_WAIT_SEC": 0, "GRACEFUL_DISCONNECT_WAIT_SEC": 0}


def check_names(ready: Ready, password_env: str) -> None:
    """Refuse what would not stay inert in every format: a device name that is not a plain host name, a duplicate
    name, or an environment variable name that is not one (it is pasted into a Jinja expression and pyATS
    markup)."""
    if not _ENV_NAME.fullmatch(password_env):
        raise ValueError(f"not an environment variable name: {password_env!r}")
    seen: set[str] = set()
    for endpoint in ready.endpoints:
        if not _NAME.fullmatch(endpoint.name):
            raise ValueError(f"device name unusable in an inventory: {endpoint.name!r}")
        if endpoint.name in seen:
            raise ValueError(f"device name used twice: {endpoint.name!r}")
        seen.add(endpoint.name)


def _yaml(header: str, body: dict[str, Any]) -> str:
    """A YAML document with a comment saying where it came from; ``safe_dump`` quotes whatever YAML would read
    as something other than a string."""
    comments = "".join(f"# {line}".rstrip() + "\n" for line in header.splitlines())
    return comments + yaml.safe_dump(body, sort_keys=False, default_flow_style=False, width=1000)


def ansible_inventory(ready: Ready, password_env: str = PASSWORD_ENV) -> str:
    """The Ansible YAML inventory (see the module docstring)."""
    check_names(ready, password_env)

    def host(e: Endpoint, port: int) -> dict[str, Any]:
        return {"ansible_host": e.host, "ansible_port": port}

    children: dict[str, Any] = {
        "iosxe_cli": {
            "vars": {"ansible_connection": "ansible.netcommon.network_cli"},
            "hosts": {e.name: host(e, e.ssh_port) for e in ready.endpoints},
        },
        "iosxe_netconf": {
            "vars": {"ansible_connection": "ansible.netcommon.netconf"},
            "hosts": {e.name + NETCONF_SUFFIX: host(e, e.netconf_port) for e in ready.endpoints},
        },
    }
    restconf = {
        e.name + RESTCONF_SUFFIX: {"ansible_host": e.host, "ansible_httpapi_port": e.restconf_port}
        for e in ready.endpoints
        if e.restconf_port
    }
    if restconf:
        children["iosxe_restconf"] = {
            "vars": {
                "ansible_connection": "ansible.netcommon.httpapi",
                "ansible_network_os": "ansible.netcommon.restconf",
                "ansible_httpapi_use_ssl": True,
                "ansible_httpapi_validate_certs": False,
            },
            "hosts": restconf,
        }
    body = {
        "all": {
            "vars": {
                "ansible_user": ready.admin_user,
                "ansible_password": f'{{{{ lookup("env", "{password_env}") }}}}',
                "ansible_network_os": "cisco.ios.ios",
                "ansible_python_interpreter": "{{ ansible_playbook_python }}",
                "ansible_host_key_checking": False,
                "ansible_netconf_host_key_checking": False,
            },
            "children": children,
        }
    }
    header = (
        f"Ansible inventory of an iosxe-agent fleet; the password is read from ${password_env} at run time.\n"
        "iosxe_cli: the IOS CLI over SSH (network_cli); iosxe_netconf: the same devices over NETCONF."
    )
    return _yaml(header, body)


def nornir_files(ready: Ready, nornir_dir: Path, password_env: str = PASSWORD_ENV) -> dict[str, str]:
    """File name → text of the Nornir SimpleInventory in ``nornir_dir`` (an absolute path: ``config.yaml``
    names the other files by it)."""
    check_names(ready, password_env)
    hosts = {
        e.name: {
            "hostname": e.host,
            "port": e.ssh_port,
            "groups": [NORNIR_GROUP],
            "data": {
                "netconf_port": e.netconf_port,
                "restconf_port": e.restconf_port,
                "gnmi_port": e.gnmi_port,
                "gnmi_secure_port": e.gnmi_secure_port,
            },
        }
        for e in ready.endpoints
    }
    config = {
        "inventory": {
            "plugin": "SimpleInventory",
            "options": {
                "host_file": str(nornir_dir / "hosts.yaml"),
                "group_file": str(nornir_dir / "groups.yaml"),
                "defaults_file": str(nornir_dir / "defaults.yaml"),
            },
        }
    }
    password_hint = (
        f"No password is stored: set it at run time, e.g.\n"
        f'  nr = InitNornir(config_file="{nornir_dir / "config.yaml"}")\n'
        f'  nr.inventory.defaults.password = os.environ["{password_env}"]'
    )
    return {
        "hosts.yaml": _yaml("Nornir hosts of an iosxe-agent fleet: the SSH (CLI) port; data.netconf_port.", hosts),
        "groups.yaml": _yaml(
            "Nornir groups: netmiko's platform name for IOS XE.", {NORNIR_GROUP: {"platform": "cisco_ios"}}
        ),
        "defaults.yaml": _yaml(password_hint, {"username": ready.admin_user}),
        "config.yaml": _yaml(password_hint, config),
    }


def pyats_testbed(ready: Ready, password_env: str = PASSWORD_ENV, name: str = "iosxe-fleet") -> str:
    """The pyATS/genie testbed YAML (see the module docstring)."""
    check_names(ready, password_env)

    def device(e: Endpoint) -> dict[str, Any]:
        cli = {
            "protocol": "ssh",
            "ip": e.host,
            "port": e.ssh_port,
            "ssh_options": _SSH_OPTIONS,
            "arguments": {"init_config_commands": []},
            "settings": dict(_UNICON_SETTINGS),
        }
        return {"os": "iosxe", "platform": "cat8k", "type": "router", "connections": {"cli": cli}}

    body = {
        "testbed": {
            "name": name,
            "credentials": {"default": {"username": ready.admin_user, "password": f"%ENV{{{password_env}}}"}},
        },
        "devices": {e.name: device(e) for e in ready.endpoints},
    }
    header = f"pyATS/genie testbed of an iosxe-agent fleet; the password is read from ${password_env} on load."
    return _yaml(header, body)


def devices_csv(ready: Ready) -> str:
    """The header (:data:`CSV_COLUMNS`) and one row per device."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows([getattr(e, column) for column in CSV_COLUMNS] for e in ready.endpoints)
    return out.getvalue()


def _make_dir(path: Path) -> None:
    """Create ``path`` 0755 whatever the umask (an existing directory keeps the permissions its owner gave it)."""
    if not path.is_dir():
        path.mkdir(parents=True)
        os.chmod(path, 0o755)


def _write(path: Path, text: str) -> Path:
    atomic_write(path, text.encode(), mode=0o644)
    os.chmod(path, 0o644)  # the umask may have taken bits away; inventories hold no secret
    return path


def write_inventories(directory: Path, ready: Ready, password_env: str = PASSWORD_ENV) -> list[Path]:
    """Write every inventory of the module docstring into ``directory``; returns the paths written."""
    directory = directory.resolve()
    nornir_dir = directory / NORNIR_DIR
    nornir = nornir_files(ready, nornir_dir, password_env)  # renders (and checks) everything before writing
    rendered = {
        directory / ANSIBLE_FILE: ansible_inventory(ready, password_env),
        directory / TESTBED_FILE: pyats_testbed(ready, password_env),
        directory / CSV_FILE: devices_csv(ready),
        **{nornir_dir / name: text for name, text in nornir.items()},
    }
    _make_dir(directory)
    _make_dir(nornir_dir)
    return [_write(path, text) for path, text in rendered.items()]
