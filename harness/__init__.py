"""Orchestration of the simulated tenant and vendors: serving, TLS, host routing, CLI, pytest plugin."""
