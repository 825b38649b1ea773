"""The corpus run in CI (issue 18, Deliver 6): every tutorial of ../shared/gallery-corpus imported,
its generated scenarios run against its generic vendor in a child pytest, and at least 95 % of the
SSO and provisioning tutorials passing; skipped with a reason where ../shared is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.gallery_scenarios.pass_rates import (
    DEFAULT_CORPUS,
    TARGET,
    results,
    run_scenarios,
    table,
)


@pytest.mark.skipif(not DEFAULT_CORPUS.is_dir(), reason=f"{DEFAULT_CORPUS} is absent")
def test_generated_scenarios_pass_for_the_corpus(tmp_path: Path) -> None:
    cucumber = tmp_path / "cucumber.json"
    completed = run_scenarios(DEFAULT_CORPUS, cucumber)
    assert cucumber.exists(), completed.stdout[-3000:] + completed.stderr[-3000:]
    entries = results(DEFAULT_CORPUS, cucumber)
    lines: list[str] = []
    rate = table(entries, lines.append)
    print("\n".join(lines))
    assert len(entries) == 40, f"{len(entries)} tutorials imported of the corpus's 40"
    assert rate >= TARGET, "\n".join(lines)
