"""Tests use the in-memory SCIM store for speed; tests of persistence open SQLite themselves."""

import os

from harness.serving.stack import SCIM_STORE_VARIABLE

os.environ.setdefault(SCIM_STORE_VARIABLE, "memory")
