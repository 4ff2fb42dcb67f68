"""Connection settings shared by the samples: the default agent on loopback, or what the command line says."""

from __future__ import annotations

import argparse
import os

from lxml import etree
from ncclient import manager

NATIVE = "http://cisco.com/ns/yang/Cisco-IOS-XE-native"
AAA = "http://cisco.com/ns/yang/Cisco-IOS-XE-aaa"


def connect(description: str) -> manager.Manager:
    """Parse the common options and open an ncclient session with the IOS XE device handler."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8830)
    p.add_argument("--user", default=os.environ.get("IOSXE_AGENT_ADMIN_USER", "admin"))
    p.add_argument("--password", default=os.environ.get("IOSXE_AGENT_ADMIN_PASSWORD"))
    args = p.parse_args()
    if not args.password:
        p.error("give --password or set IOSXE_AGENT_ADMIN_PASSWORD")
    return manager.connect(
        host=args.host,
        port=args.port,
        username=args.user,
        password=args.password,
        hostkey_verify=False,
        allow_agent=False,
        look_for_keys=False,
        device_params={"name": "iosxe"},
        timeout=60,
    )


def apply_and_show(m: manager.Manager, config: str, show: str) -> None:
    """Edit the candidate and commit (running directly when the device has no candidate datastore: a 17.12 box
    without ``netconf-yang feature candidate-datastore``), and print the get-config of the subtree ``show``."""
    if ":candidate" in m.server_capabilities:
        m.edit_config(target="candidate", config=config)
        m.commit()
    else:
        m.edit_config(target="running", config=config)
    reply = m.get_config(source="running", filter=("subtree", show))
    data = etree.fromstring(reply.xml.encode()).find("{urn:ietf:params:xml:ns:netconf:base:1.0}data")
    print(etree.tostring(data, pretty_print=True).decode())
