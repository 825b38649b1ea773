"""The checkers vendors run against their real services: check-sp and check-scim."""
