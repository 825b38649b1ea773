"""SCIM witnesses: the provisioning engine against independent SCIM servers."""
