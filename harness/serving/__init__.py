"""Serving the stack: the tenant and vendors on real HTTPS, host routing, TLS, the landing page."""
