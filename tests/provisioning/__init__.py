"""Tests: provisioning."""
