"""SCIM 2.0 targets with each vendor's quirks (issue 5)."""
