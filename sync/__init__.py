"""Sync between laptops and the district server: wire protocol, client engine, server."""
