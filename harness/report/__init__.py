"""The demo report: each scenario with its screenshots and every exchange explained."""
