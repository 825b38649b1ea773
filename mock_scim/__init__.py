"""SCIM 2.0 endpoints of the simulated vendors: stores, protocol, vendor profiles, web and controls."""
