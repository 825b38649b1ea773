"""Tests of the entra-harness command line."""
