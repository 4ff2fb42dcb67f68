"""Values that try the printable check of a `username` / `snmp-server community` line: keywords of those commands
and their prefixes (where the parser tries a keyword, a value must be read back in full), numbers at and past a
range's edges, and values one IOS line cannot carry or that look like its syntax. Shared by the property tests of
the per-shape check within a commit (``test_printable_shape.py``) and across commits (``test_printable_proven.py``)."""

from __future__ import annotations

KEYWORDS = ["privilege", "priv", "p", "PRIV", "secret", "se", "s", "password", "pa", "one-time", "o", "algorithm-type"]
KEYWORDS += ["a", "view", "vi", "v", "RO", "ro", "r", "RW", "rw", "ipv6", "i", "community", "snmp-server", "no"]
EDGES = ["0", "1", "9", "15", "16", "-1", "007", "00", "255", "99999999999999999999"]
ODD = ["", " ", "a b", "a\nb", "a\rb", "a\tb", '"q"', "'q'", "!x", "x!", "#x", "x#", "a\u2028b", "é", "x?", "\\"]
ODD += ["DEADbeef", "deadbeef", "AB12", "$9$abc/def", "$9$ab/c", "x|y", "a>b"]
