"""Tests of the tenant's state directory and snapshots (issue 22)."""
