"""Scenarios generated for any imported gallery tutorial from templates that reuse the built-in steps (issue 18)."""
