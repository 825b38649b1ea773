"""Simulated vendors as SAML service providers: consoles, strict ACS, user directory."""
