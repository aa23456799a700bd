"""Cross-cutting services every domain uses: text, permissions, audit, outbox, errors."""
