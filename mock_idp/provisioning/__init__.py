"""The Entra provisioning service: a SCIM client with jobs, mappings, expressions, scoping and cycles."""
