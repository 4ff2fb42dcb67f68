#!/usr/bin/env python3
"""The guide's ``ip ssh time-out 60`` and ``ip ssh authentication-retries 2`` (with ``ip ssh version 2``)."""

from _connect import NATIVE, apply_and_show, connect

CONFIG = f"""
<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">
  <native xmlns="{NATIVE}">
    <ip><ssh>
      <authentication-retries>2</authentication-retries>
      <time-out>60</time-out>
      <ssh-version>2</ssh-version>
    </ssh></ip>
  </native>
</config>"""

SHOW = f'<native xmlns="{NATIVE}"><ip><ssh/></ip></native>'

if __name__ == "__main__":
    with connect(__doc__ or "") as m:
        apply_and_show(m, CONFIG, SHOW)
