"""The README's three screenshots in docs/images: Entra's sign-in on the way to My Apps, the admin
center's SAML page of tutorial 000's RingCentral, the demo report's first screen (Playwright)."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from playwright.sync_api import ViewportSize, sync_playwright

from harness.clients.demo_setup import create_administrator, set_up_ringcentral_tutorial
from harness.clients.entra_pages import sign_in_on_entra
from harness.clients.session import Harness
from harness.serving.stack import CHROMIUM, CHROMIUM_FLAGS, Stack

ROOT = Path(__file__).resolve().parent.parent
VIEWPORT: ViewportSize = {"width": 1100, "height": 700}


def demo_report(path: Path) -> Path:
    """The report of an earlier `entra-harness demo`, else one of the walkthroughs (a minute)."""
    if not path.is_file():
        subprocess.run(
            [sys.executable, "-m", "harness.cli", "demo", "--report", str(path), "--", "-k",
             "walkthrough", f"--entra-artifacts={path.parent / 'failures'}"],
            cwd=ROOT,
            check=False,
        )  # fmt: skip
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    parser.add_argument("--report", type=Path, default=ROOT / "reports" / "demo.html")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    report = demo_report(args.report.resolve())
    stack = Stack().start()
    try:
        with stack.http_client() as client:
            harness = Harness(stack, client)
            administrator = create_administrator(harness)
            set_up_ringcentral_tutorial(harness)
        app_id = next(iter(stack.tenant.apps.values())).app_id
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=stack.chromium_args()
            )
            page = browser.new_context(viewport=VIEWPORT).new_page()
            page.goto("https://myapps.microsoft.com/")
            page.fill("input[name=loginfmt]", "B.Simon@contoso.com")
            page.screenshot(path=str(args.out / "myapps-sign-in.png"))

            page = browser.new_context(viewport=VIEWPORT).new_page()
            page.goto("https://entra.microsoft.com/")
            sign_in_on_entra(page, administrator.upn, administrator.password)
            page.goto(f"https://entra.microsoft.com/enterprise-apps/{app_id}/single-sign-on")
            page.screenshot(path=str(args.out / "admin-center-saml.png"))
            browser.close()
            local = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            page = local.new_page(viewport=VIEWPORT)
            page.goto(report.as_uri())
            page.screenshot(path=str(args.out / "demo-report.png"))
            local.close()
    finally:
        stack.stop()
    for name in ("myapps-sign-in", "admin-center-saml", "demo-report"):
        print(args.out / f"{name}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
