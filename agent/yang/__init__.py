"""yang package."""
