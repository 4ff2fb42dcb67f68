#!/usr/bin/env python3
"""AAA method lists from the guide: a TACACS+ server group, a login list that tries it and falls back to the
local database, exec authorization, and exec accounting to TACACS+."""

from _connect import AAA, NATIVE, apply_and_show, connect

CONFIG = f"""
<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">
  <native xmlns="{NATIVE}">
    <aaa>
      <new-model xmlns="{AAA}"/>
      <authentication xmlns="{AAA}">
        <login><name>default</name><a1><local/></a1></login>
        <login><name>VTY</name><a1><group>TAC</group></a1><a2><local/></a2></login>
      </authentication>
      <authorization xmlns="{AAA}"><exec><name>default</name><a1><local/></a1></exec></authorization>
      <accounting xmlns="{AAA}">
        <exec><name>default</name><start-stop><group1><group>tacacs+</group></group1></start-stop></exec>
      </accounting>
      <group xmlns="{AAA}"><server><tacacsplus>
        <name>TAC</name><server><name><name>TAC1</name></name></server>
      </tacacsplus></server></group>
    </aaa>
    <tacacs>
      <server xmlns="{AAA}">
        <name>TAC1</name><address><ipv4>127.0.0.10</ipv4></address>
        <key><encryption>0</encryption><key>s3cret</key></key>
      </server>
    </tacacs>
  </native>
</config>"""

SHOW = f'<native xmlns="{NATIVE}"><aaa/><tacacs/></native>'

if __name__ == "__main__":
    with connect(__doc__ or "") as m:
        apply_and_show(m, CONFIG, SHOW)
