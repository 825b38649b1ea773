"""Tests of the demo report."""
