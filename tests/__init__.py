"""The test suite: unit and integration tests by area, and the scenarios (test_features.py)."""
