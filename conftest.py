"""Root conftest: loads the step modules once (pytest-bdd: steps live in steps/, never test_*.py)."""

pytest_plugins = [
    "steps.world",
    "steps.tenant_steps",
    "steps.vendor_steps",
    "steps.browser_steps",
    "steps.saml_steps",
    "steps.walkthrough_steps",
    "steps.provisioning_steps",
    "steps.acs_steps",
    "steps.console_walkthrough_steps",
    "steps.provisioning_walkthrough_steps",
    "steps.gallery_import_steps",
]
