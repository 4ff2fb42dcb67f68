#!/usr/bin/env python3
"""The guide's SCP server example: AAA with local authentication and exec authorization, a privilege-15 user,
and ``ip scp server enable`` — sent as one edit-config to candidate, committed, then read back."""

from _connect import AAA, NATIVE, apply_and_show, connect

CONFIG = f"""
<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">
  <native xmlns="{NATIVE}">
    <username>
      <name>scpuser</name>
      <privilege>15</privilege>
      <secret><encryption>0</encryption><secret>Scp-Passw0rd</secret></secret>
    </username>
    <ip><scp><server><enable/></server></scp></ip>
    <aaa>
      <new-model xmlns="{AAA}"/>
      <authentication xmlns="{AAA}"><login><name>default</name><a1><local/></a1></login></authentication>
      <authorization xmlns="{AAA}"><exec><name>default</name><a1><local/></a1></exec></authorization>
    </aaa>
  </native>
</config>"""

SHOW = f"""<native xmlns="{NATIVE}"><username><name>scpuser</name></username><ip><scp/></ip><aaa/></native>"""

if __name__ == "__main__":
    with connect(__doc__ or "") as m:
        apply_and_show(m, CONFIG, SHOW)
