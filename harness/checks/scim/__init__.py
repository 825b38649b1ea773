"""check-scim: a SCIM endpoint checked the way Entra's provisioning service uses it."""
