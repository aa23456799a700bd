"""Full-text search over provisions, public comments and disposition rationales."""
