"""The Cisco IOS XE 17 Secure Shell configuration guide as data (``steps``) and the pty driver that types it into
the device through OpenSSH (``driver``), for tests/e2e/test_guide_walkthrough.py and test_guide_configs_scp.py."""
