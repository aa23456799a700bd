"""The drafts domain."""
