"""Deliberate breakages loaded with -p in a child pytest, to show scenarios catch them."""
