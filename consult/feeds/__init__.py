"""Atom feeds of public content: new versions of a document or a group, new dispositions."""
