"""Tests: scim."""
