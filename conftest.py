"""Root conftest: loads the step library (every steps/*_steps.py module), as another project
does with the same line (README "Use it in your own tests")."""

pytest_plugins = ["steps"]
