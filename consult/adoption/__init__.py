"""Adoption of codes, signatures, AI Pact pledges and implementation reports."""
