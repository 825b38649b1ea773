"""Red-team apps around real SAML SP libraries, unlike tests/real_sps' apps (issue 15, measured
independently): other identity sources, success and refusal pages, RelayState, sessions."""
