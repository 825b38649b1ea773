"""The importer against the 40 corpus tutorials and their hand-checked summaries (issue 18, Deliver 6)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gallery.importer.corpus import (
    DEFAULT_CORPUS,
    DEFAULT_EXPECTED,
    TARGET,
    FieldScore,
    compare,
    run,
    table,
)
from gallery.importer.tutorial import import_tutorial

EXPECTED = sorted(DEFAULT_EXPECTED.rglob("*.json"))
needs_corpus = pytest.mark.skipif(
    not DEFAULT_CORPUS.is_dir(),
    reason=f"the gallery corpus ({DEFAULT_CORPUS}) is absent: it lives in ../shared",
)


def test_every_corpus_tutorial_has_a_hand_written_expectation() -> None:
    assert len(EXPECTED) == 40
    for path in EXPECTED:
        data = json.loads(path.read_text(encoding="utf-8"))
        assert data["kind"] in ("sso", "provisioning", "excluded")
        assert (data["sso"] is None) != (data["provisioning"] is None) or data["kind"] == "excluded"


@needs_corpus
@pytest.mark.parametrize(
    "expected_file", EXPECTED, ids=lambda p: str(p.relative_to(DEFAULT_EXPECTED))
)
def test_tutorial_imports_as_expected(expected_file: Path) -> None:
    relative = expected_file.relative_to(DEFAULT_EXPECTED).with_suffix("")
    expected = json.loads(expected_file.read_text(encoding="utf-8"))
    actual = import_tutorial(DEFAULT_CORPUS / relative, str(relative)).summary()
    scores: dict[str, FieldScore] = {}
    compare(expected, actual, scores, str(relative))
    misses = [miss for score in scores.values() for miss in score.misses]
    # Field by field: a miss names the field, what the hand-checked summary says and what was read.
    assert not misses, "\n".join(misses)


@needs_corpus
def test_per_field_accuracy_meets_the_target(capsys: pytest.CaptureFixture[str]) -> None:
    scores = run(DEFAULT_CORPUS, DEFAULT_EXPECTED)
    lines: list[str] = []
    table(scores, lines.append)
    with capsys.disabled():
        print("\n" + "\n".join(lines))
    below = {key: score.accuracy for key, score in scores.items() if score.accuracy < TARGET}
    assert not below, "\n".join(lines)


def test_compare_counts_a_wrong_field_as_a_miss() -> None:
    """The scorer itself can fail: a changed URL and a changed attribute flag are misses."""
    expected = json.loads(
        (DEFAULT_EXPECTED / "entra-docs" / "adem-tutorial.md.json").read_text("utf-8")
    )
    wrong = json.loads(json.dumps(expected))
    wrong["sso"]["identifier"] = ["https://cloud.patch.eu/other"]
    scores: dict[str, FieldScore] = {}
    compare(expected, wrong, scores, "adem")
    assert scores["sso.identifier"].right == 0
    assert scores["sso.reply_url"].right == 1
    swit = json.loads(
        (DEFAULT_EXPECTED / "entra-docs" / "swit-provisioning-tutorial.md.json").read_text("utf-8")
    )
    changed = json.loads(json.dumps(swit))
    changed["provisioning"]["user_attributes"][0]["filterable"] = False
    changed["provisioning"]["capabilities"].reverse()  # a set: order does not count
    scores = {}
    compare(swit, changed, scores, "swit")
    assert scores["provisioning.user_attributes"].right == 0
    assert scores["provisioning.capabilities"].right == 1
