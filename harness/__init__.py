"""The harness around the mocks, one subpackage per role: serving, cli, clients, pytest_plugin, report, checks."""
