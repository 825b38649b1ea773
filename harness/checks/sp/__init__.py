"""check-sp: a SAML service provider checked against forged and legitimate Responses."""
