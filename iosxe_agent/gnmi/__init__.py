"""The gNMI face (gNMI v0.10 over gRPC): Capabilities, Get, Set and Subscribe on the device's datastores."""
