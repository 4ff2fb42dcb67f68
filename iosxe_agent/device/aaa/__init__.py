"""Authentication, authorization and accounting of the device."""
