"""The entra-harness command line."""
