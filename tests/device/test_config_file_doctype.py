"""A configuration file with a document type declaration is refused with a clear error (never an unhandled
exception that ends the CLI or SCP session), whatever kind of DTD it carries."""

from __future__ import annotations

import pytest

from iosxe_agent.device.config_files import ConfigFileError, read_config
from iosxe_agent.device.files import FlashError, decode_config

CONFIG = (
    '<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">'
    '<native xmlns="http://cisco.com/ns/yang/Cisco-IOS-XE-native"><hostname>{}</hostname></native></config>'
)

DOCTYPES = {
    "external system": '<!DOCTYPE config SYSTEM "file:///etc/passwd">' + CONFIG.format("X"),
    "external public": '<!DOCTYPE config PUBLIC "-//x//EN" "http://127.0.0.1:9/x.dtd">' + CONFIG.format("X"),
    "internal entity": '<!DOCTYPE config [<!ENTITY h "Evil">]>' + CONFIG.format("&h;"),
    "external entity": '<!DOCTYPE config [<!ENTITY h SYSTEM "file:///etc/hostname">]>' + CONFIG.format("&h;"),
    "parameter entity": '<!DOCTYPE config [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>' + CONFIG.format("X"),
    "empty": "<!DOCTYPE config>" + CONFIG.format("X"),
    "after a declaration": '<?xml version="1.0"?>\n<!DOCTYPE config []>' + CONFIG.format("X"),
}


@pytest.mark.parametrize("kind", sorted(DOCTYPES))
def test_a_doctype_is_refused_as_a_flash_error(kind: str) -> None:
    data = DOCTYPES[kind].encode()
    with pytest.raises(FlashError, match=r"^%Error parsing flash:x.cfg \(a DOCTYPE is not allowed"):
        decode_config(data, "flash:x.cfg")
    with pytest.raises(ConfigFileError, match="a DOCTYPE is not allowed in a configuration file"):
        read_config(data, "running-config", None)


def test_the_same_file_without_its_doctype_is_read() -> None:
    root = decode_config(CONFIG.format("R2").encode(), "flash:x.cfg")
    assert root.findtext(".//{http://cisco.com/ns/yang/Cisco-IOS-XE-native}hostname") == "R2"
