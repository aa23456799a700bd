"""Open-data exports of a version's record: JSON, CSV, a Data Package ZIP and Akoma Ntoso."""
