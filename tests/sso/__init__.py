"""Tests: sso."""
