"""A project outside the checkout that uses the step library by its one documented line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CONFTEST = 'pytest_plugins = ["steps"]\n'
TEST_MODULE = 'from pytest_bdd import scenarios\n\nscenarios("features")\n'

# Three scenarios: signed in from My Apps (a browser, screenshots), a refusal, and one with a
# misspelled step (pytest-bdd's StepDefinitionNotFoundError: the report must show it failed).
FEATURE = """@vendor_ringcentral @sso
Feature: RingCentral single sign-on with Microsoft Entra ID (tutorial 000)

  Background:
    Given the tenant has the user B.Simon
    And RingCentral is added from the gallery with Identifier "https://sso.ringcentral.com" and Reply URL "https://sso.ringcentral.com/sp/ACS.saml2"
    And B.Simon is assigned to RingCentral
    And RingCentral is given the App Federation Metadata
    And RingCentral maps the email attribute to "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"
    And RingCentral has SSO enabled, allowing SSO or RingCentral credentials
    And B.Simon exists and is active in RingCentral as "b.simon@contoso.com"

  @browser
  Scenario: B.Simon signs in to RingCentral from My Apps
    When B.Simon signs in to My Apps
    And she selects the RingCentral tile
    Then RingCentral shows her signed in as "b.simon@contoso.com"

  @browser @negative
  Scenario: RingCentral refuses a Response signed with a different key
    Given the tenant's next Response is signed with a different key
    When B.Simon signs in to My Apps
    And she selects the RingCentral tile
    Then RingCentral refuses the sign-in because the signature check failed

  Scenario: A misspelled step fails the scenario
    When B.Simon sings in to My Apps
"""


# A refusal seen by the step library's plain HTTP browser: the report shows the vendor's page.
HTTP_FEATURE = """@vendor_ringcentral @sso
Feature: RingCentral's ACS checks (tutorial 000)

  @negative
  Scenario: RingCentral refuses an unsigned Response
    Given RingCentral and the tenant are set up for IdP-initiated sign-on as its tutorial says
    And B.Simon exists and is active in RingCentral
    And the tenant's next Response to RingCentral is unsigned
    When B.Simon signs in to RingCentral from a plain HTTP browser
    Then the RingCentral error page says the signature check failed
"""


def write_project(directory: Path) -> Path:
    (directory / "features").mkdir(parents=True, exist_ok=True)
    (directory / "conftest.py").write_text(CONFTEST)
    (directory / "test_tutorial.py").write_text(TEST_MODULE)
    (directory / "features" / "ringcentral.feature").write_text(FEATURE)
    (directory / "features" / "ringcentral_acs.feature").write_text(HTTP_FEATURE)
    return directory


def run_in(
    directory: Path, python: str = sys.executable, *arguments: str
) -> subprocess.CompletedProcess[str]:
    """pytest in `directory` as that project runs it (its own cwd, nothing of the checkout on
    the path but what the interpreter has installed)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTEST_ADDOPTS")}
    env.pop("PYTEST_XDIST_WORKER", None)
    return subprocess.run(
        [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", *arguments],
        cwd=directory,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env=env,
    )
