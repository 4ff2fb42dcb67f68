#!/usr/bin/env python3
"""``username netadmin privilege 15 secret 0 …``: the device stores the secret as a type-9 (scrypt) hash."""

from _connect import NATIVE, apply_and_show, connect

CONFIG = f"""
<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">
  <native xmlns="{NATIVE}">
    <username>
      <name>netadmin</name>
      <privilege>15</privilege>
      <secret><encryption>0</encryption><secret>N3tadmin-secret</secret></secret>
    </username>
  </native>
</config>"""

SHOW = f'<native xmlns="{NATIVE}"><username><name>netadmin</name></username></native>'

if __name__ == "__main__":
    with connect(__doc__ or "") as m:
        apply_and_show(m, CONFIG, SHOW)
