"""netconf package."""
