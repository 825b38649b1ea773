"""Red-team SCIM servers built around scim2-server, each with one flaw, that check-scim has never seen."""
