"""Start a red-team app on 127.0.0.1 with its profile, and run check-sp against it."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx

from harness.checks.sp.run import CheckSpOptions, CheckSpRun, run_check_sp
from harness.serving.stack import Stack
from tests.checks.sp_redteam.catalogue import App, pin
from tests.checks.sp_redteam.install import CACHE, ensure
from tests.real_sps.running import RunningSp, free_port

APPS = Path(__file__).parent / "apps"
# Not tests/real_sps' b.simon/attacker: another directory, with mixed-case names.
VICTIM, ATTACKER = "Alice.Lee@fabrikam.example", "mallory.r@fabrikam.example"
START_TIMEOUT = 20.0


def start(app: App, version: str) -> RunningSp:
    home = ensure(app.library, version)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    config = {
        "library": app.library,
        "version": version,
        "port": port,
        "entity_id": f"urn:acme:{app.name}:{version}",
        "acs_url": base + app.acs_path,
        "users": [VICTIM, ATTACKER],
        "profile": app.profile,
    }
    env = dict(os.environ)
    if pin(app.library, version).runtime == "python":
        argv = [str(home / "bin" / "python"), str(APPS / app.adapter), json.dumps(config)]
    else:
        env["NODE_PATH"] = str(home / "node_modules")
        argv = ["node", str(APPS / app.adapter), json.dumps(config)]
    log = CACHE / "logs" / f"{app.name}-{version}-{port}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as output:  # a file: a pipe nobody reads would block the app
        process = subprocess.Popen(argv, env=env, stdout=output, stderr=subprocess.STDOUT)
    running = RunningSp(app.library, version, base, str(config["entity_id"]), process, log)
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"{app.name} {version} exited:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return running
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            running.stop()
            raise RuntimeError(f"{app.name} {version} did not start")
        time.sleep(0.05)


def check(
    stack: Stack, app: App, version: str, sp_only: bool, report: Path, browser: Any = None
) -> CheckSpRun:
    """check-sp against the app as its vendor would run it (the app's metadata URL, its
    sign-on URL, its whoami URL or success text)."""
    with start(app, version) as sp:
        options = CheckSpOptions(
            f"{sp.base_url}/saml/metadata",
            sign_on_url=f"{sp.base_url}/login" if app.sign_on else None,
            user=VICTIM,
            attacker_user=ATTACKER,
            whoami_url=sp.base_url + app.profile.get("whoami_path", "/api/me")
            if app.whoami
            else None,
            success_text=app.success_text,
            sp_initiated_only=sp_only,
            report_dir=report,
        )
        stack.reset()
        return run_check_sp(
            stack,
            options,
            lambda idp_metadata, handle: sp.trust(idp_metadata),
            browser=browser,
            with_browser=browser is not None,
        )
