"""docker-compose.yml is valid, healthchecked, and names every mock and host the code serves
(no engine needed for `docker-compose config`)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from harness.cli.commands import SERVICES
from harness.serving.stack import Stack

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(shutil.which("docker-compose") is None, reason="docker-compose not installed")
def test_compose_file_is_valid_with_healthchecked_dependencies() -> None:
    result = subprocess.run(
        ["docker-compose", "-f", str(ROOT / "docker-compose.yml"), "config"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    services = yaml.safe_load(result.stdout)["services"]
    hosts_by_service = {name: sorted(d.by_host) for name, d in Stack().services().items()}
    assert sorted(hosts_by_service) == sorted(SERVICES)
    for name in SERVICES:
        service = services[name]
        assert "healthz" in " ".join(service["healthcheck"]["test"])
        assert service["command"][:3] == ["entra-harness", "serve", name]
        assert sorted(service["networks"]["default"]["aliases"]) == hosts_by_service[name]
        if name != "tenant":
            assert service["depends_on"]["tenant"]["condition"] == "service_healthy"
