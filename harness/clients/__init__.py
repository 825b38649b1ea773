"""Clients that drive the running stack as its users do: admin center, Graph, consoles, browser."""
