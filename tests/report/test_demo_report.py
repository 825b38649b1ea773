"""The demo report as a reader meets it in Chromium: the tutorial x mode matrix first, contents by
tutorial, a failures-first filter, screenshots as lazy files that enlarge, a misspelled step
failed with its error, and nothing of an earlier run left beside it (issue 20, Deliver 2)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.report.small_project import run_in, write_project


@pytest.fixture(scope="module")
def report(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[subprocess.CompletedProcess[str], Path]:
    project = write_project(tmp_path_factory.mktemp("project"))
    # What an earlier run left: a report's screenshot and a failure's artefacts.
    stale = project / "reports" / "demo-files" / "s9-01.png"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"old")
    (project / "reports" / "failures" / "old_test").mkdir(parents=True)
    path = project / "reports" / "demo.html"
    return run_in(project, sys.executable, "--demo-report", str(path)), path


@pytest.fixture(scope="module")
def page(
    report: tuple[subprocess.CompletedProcess[str], Path], entra_browser: Any
) -> Iterator[Any]:
    # The session's browser: a second sync_playwright() in a worker that already runs one fails
    # ("Playwright Sync API inside the asyncio loop").
    context = entra_browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    opened.goto(report[1].as_uri())
    yield opened
    context.close()


def test_a_misspelled_step_is_a_failed_scenario_with_its_error(
    report: tuple[subprocess.CompletedProcess[str], Path], page: Any
) -> None:
    result, _ = report
    assert result.returncode == 1 and "1 failed, 3 passed" in result.stdout, result.stdout
    assert page.locator("#summary").inner_text() == "3 of 4 scenarios passed; 1 failed."
    failed = page.locator("section.scenario.failed")
    assert failed.count() == 1
    assert "A misspelled step fails the scenario" in failed.locator("h3").inner_text()
    error = failed.locator("pre.error").first.inner_text()
    assert "StepDefinitionNotFoundError" in error and "B.Simon sings in to My Apps" in error


def test_the_first_screen_is_a_tutorial_by_mode_matrix_linking_to_the_scenarios(
    page: Any,
) -> None:
    matrix = page.locator("#matrix")
    assert matrix.bounding_box()["y"] < 900  # on the first screen
    headers = matrix.locator("tr").first.locator("th").all_inner_texts()
    assert headers == ["Tutorial", "IdP-initiated", "Refusals", "Other checks"]
    row = matrix.locator("tr").nth(1)
    assert row.locator("th").inner_text() == "000 RingCentral SAML SSO"
    cells = row.locator("td")
    assert cells.nth(0).locator("a.mark.passed").count() == 1
    assert cells.nth(1).locator("a.mark.passed").count() == 2
    assert cells.nth(2).locator("a.mark.failed").count() == 1
    cells.nth(2).locator("a.mark").click()
    failed = page.locator("section.scenario.failed").get_attribute("id")
    assert page.evaluate("location.hash") == f"#{failed}"


def test_contents_grouped_by_tutorial_and_failures_first(page: Any) -> None:
    toc = page.locator("#toc")
    assert toc.locator("h4").all_inner_texts() == ["000 RingCentral SAML SSO"]
    assert toc.locator("li").count() == 4
    assert page.locator("section.scenario.passed").first.is_visible()
    page.locator("#failures-first").check()
    assert not page.locator("section.scenario.passed").first.is_visible()
    assert page.locator("section.scenario.failed").is_visible()
    page.locator("#failures-first").uncheck()


def test_screenshots_are_lazy_files_beside_a_small_report_and_enlarge(
    report: tuple[subprocess.CompletedProcess[str], Path], page: Any
) -> None:
    path = report[1]
    assert path.stat().st_size < 200_000
    assert "data:image" not in path.read_text()
    files = sorted(p.name for p in (path.parent / "demo-files").glob("*.png"))
    assert files and "s9-01.png" not in files  # the earlier run's screenshot is gone
    assert not (path.parent / "failures" / "old_test").exists()
    shots = page.locator("a.shot img")
    assert shots.count() == len(files)
    assert shots.first.get_attribute("loading") == "lazy"
    shot = shots.first
    shot.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=shot.element_handle())
    # Shown at the page's width (1100 px wide, as taken), not shrunk to 720.
    assert shot.bounding_box()["width"] >= 1000
    shot.click()
    lightbox = page.locator("dialog#lightbox")
    assert lightbox.is_visible()
    assert lightbox.locator("img").evaluate("img => img.naturalWidth") == 1100
    lightbox.click()
    assert not lightbox.is_visible()


def test_a_refusal_without_chromium_shows_the_vendors_error_page(page: Any) -> None:
    section = page.locator("section.scenario", has_text="RingCentral refuses an unsigned Response")
    shown = section.locator(".page")
    assert shown.count() == 1
    assert "403 https://sso.ringcentral.com/sp/ACS.saml2" in shown.inner_text()
    vendor_page = shown.frame_locator("iframe")
    assert "the Assertion is not signed" in vendor_page.locator("body").inner_text()


def test_only_the_artefacts_beside_the_report_are_cleared(tmp_path: Path) -> None:
    """A report written elsewhere (a test's, in a temporary folder) leaves the checkout's
    reports/failures of a parallel run alone."""
    from harness.report.demo_report import DemoReport

    beside, elsewhere = tmp_path / "reports" / "failures", tmp_path / "failures"
    for folder in (beside, elsewhere):
        (folder / "a_test").mkdir(parents=True)
    DemoReport(tmp_path / "reports" / "demo.html", beside)
    DemoReport(tmp_path / "reports" / "demo.html", elsewhere)
    assert not beside.exists() and (elsewhere / "a_test").is_dir()
