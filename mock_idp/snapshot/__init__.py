"""The tenant's state as Graph-shaped JSON: snapshots (export / import) and SQLite persistence."""
