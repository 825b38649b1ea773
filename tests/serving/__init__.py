"""Tests: serving."""
