"""Witnesses: unmodified real SAML SPs that must accept the tenant's Responses (issue 19)."""
