"""The RESTCONF face (RFC 8040) of a device: HTTPS, the same datastores and commit pipeline as NETCONF."""
