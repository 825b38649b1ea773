"""The wheel as another project gets it: built, installed into a fresh venv outside the checkout,
its packaged steps running a feature by the one documented line, `entra-harness demo` running
the packaged tutorial features, and `bench` saying it needs the checkout (issue 20, Deliver 4)."""

from __future__ import annotations

import shutil
import site
import subprocess
import sys
from pathlib import Path

import pytest

from tests.report.small_project import run_in, write_project

ROOT = Path(__file__).resolve().parents[2]
# What the wheel is built from: the checkout without its hidden folders (venv, git, caches),
# reports, tests and docs.
NOT_SOURCE = shutil.ignore_patterns(
    ".*", "reports", "tests", "docs", "bench", "scripts", "__pycache__", "*.egg-info", "build",
    "node_modules", "*.pyc",
)  # fmt: skip


def run(*command: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv holding only the wheel; its dependencies are the checkout venv's, reached
    by a .pth line (offline and fast), while none of the checkout's own code is on its path."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCE)
    built = run(
        sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
        "--no-index", "-w", work / "dist", source, cwd=work,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    venv = work / "venv"
    created = run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=work)
    assert created.returncode == 0, created.stderr
    python = venv / "bin" / "python"
    venv_site = Path(
        run(
            python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", cwd=work
        ).stdout.strip()
    )
    (venv_site / "checkout_dependencies.pth").write_text(site.getsitepackages()[0] + "\n")
    wheel = next((work / "dist").glob("entra_harness-*.whl"))
    added = run(
        sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps",
        "--no-index", wheel, cwd=work,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    return venv


def test_the_installed_code_is_the_wheels_not_the_checkouts(installed: Path) -> None:
    where = run(
        installed / "bin" / "python",
        "-c",
        "import harness, steps; from steps import features_dir; "
        "print(harness.__file__, steps.__file__, features_dir(), sep='\\n')",
        cwd=installed,
    )
    assert where.returncode == 0, where.stderr
    for line in where.stdout.split():
        assert line.startswith(str(installed)), where.stdout
    assert Path(where.stdout.split()[2], "ringcentral", "walkthrough.feature").is_file()


def test_another_project_runs_a_feature_with_the_packaged_steps(
    installed: Path, tmp_path: Path
) -> None:
    project = write_project(tmp_path / "project")
    # The refusal seen by a plain HTTP browser: the packaged steps without starting Chromium.
    result = run_in(project, str(installed / "bin" / "python"), "-k", "unsigned")
    assert "1 passed" in result.stdout, result.stdout[-3000:] + result.stderr[-2000:]


def test_demo_runs_the_packaged_tutorial_features_outside_the_checkout(
    installed: Path, tmp_path: Path
) -> None:
    result = run(
        installed / "bin" / "entra-harness", "demo", "--", "-k",
        "refuses_a_response_that and RingCentral and unsigned", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "1 passed" in result.stdout
    assert "Demo report:" in result.stdout
    report = (tmp_path / "reports" / "demo.html").read_text()
    assert "1 of 1 scenarios passed" in report


def test_bench_says_it_needs_the_checkout(installed: Path, tmp_path: Path) -> None:
    result = run(installed / "bin" / "entra-harness", "bench", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "entra-harness bench: bench needs the checkout (bench/ and the README it updates are "
        "not in the package) (hint: run it from the top of a clone of the repository: make bench)"
    ]
