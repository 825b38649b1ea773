"""The pytest plugin: fixtures for the stack and its clients, and the checkers as pytest options."""
