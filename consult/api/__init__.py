"""The read-only JSON API (/api/v1/), its OpenAPI document and personal access tokens."""
