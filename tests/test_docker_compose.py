"""docker-compose.yml is valid and healthchecked (no engine needed for `docker-compose config`)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(shutil.which("docker-compose") is None, reason="docker-compose not installed")
def test_compose_file_is_valid_with_healthchecked_dependencies() -> None:
    result = subprocess.run(
        ["docker-compose", "-f", str(ROOT / "docker-compose.yml"), "config"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    config = yaml.safe_load(result.stdout)
    services = config["services"]
    for name in ("tenant", "ringcentral"):
        assert "healthz" in " ".join(services[name]["healthcheck"]["test"])
    assert services["ringcentral"]["depends_on"]["tenant"]["condition"] == "service_healthy"
    assert "login.microsoftonline.com" in services["tenant"]["networks"]["default"]["aliases"]
