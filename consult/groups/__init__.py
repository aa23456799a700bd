"""The groups domain."""
