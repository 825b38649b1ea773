"""The importer on published tutorials it was not developed on (tests/data/heldout, issue 18): every
field held at the accuracy reached after the general fixes, so a change that only suits the corpus shows."""

from __future__ import annotations

import json

import pytest

from gallery.importer.corpus import HELDOUT_EXPECTED, HELDOUT_TUTORIALS, FieldScore, compare, run
from gallery.importer.tutorial import import_tutorial

EXPECTED = sorted(HELDOUT_EXPECTED.rglob("*.json"))
# Reached on the 37 tutorials of batches 1 and 2 (README); every other field is at 100 %. The two
# app-side misses are read as the tutorials' authors meant only by a person (an option button that
# uploads the metadata, an upload step before the Basic SAML section).
FLOORS = {"sso.app_side_fields": 21 / 23}


def test_every_heldout_tutorial_is_stored_with_its_expectation_and_source() -> None:
    readme = (HELDOUT_TUTORIALS.parent / "README.md").read_text(encoding="utf-8")
    assert len(EXPECTED) >= 30
    for path in EXPECTED:
        relative = path.relative_to(HELDOUT_EXPECTED).with_suffix("")
        assert (HELDOUT_TUTORIALS / relative).is_file(), relative
        assert f"`{relative.as_posix()}`" in readme, f"{relative} has no source row in the README"
        data = json.loads(path.read_text(encoding="utf-8"))
        assert data["kind"] in ("sso", "provisioning", "excluded")


def test_heldout_per_field_accuracy_stays_at_its_level() -> None:
    scores = run(HELDOUT_TUTORIALS, HELDOUT_EXPECTED)
    low = {
        key: f"{score.right}/{score.total}: " + "; ".join(score.misses)
        for key, score in scores.items()
        if score.accuracy < FLOORS.get(key, 1.0) - 1e-9
    }
    assert not low, "\n".join(f"{key} {why}" for key, why in low.items())


@pytest.mark.parametrize("name", ["entra-docs/zivver-tutorial.md", "entra-docs/zoom-tutorial.md"])
def test_a_changed_expectation_is_a_miss(name: str) -> None:
    """The comparison can fail on this data: a claim namespace or an app-side field changed is a miss."""
    expected = json.loads((HELDOUT_EXPECTED / f"{name}.json").read_text(encoding="utf-8"))
    actual = import_tutorial(HELDOUT_TUTORIALS / name, name).summary()
    wrong = json.loads(json.dumps(expected))
    if wrong["sso"]["claims"]:
        wrong["sso"]["claims"][0]["namespace"] = None
    else:
        wrong["sso"]["app_side_fields"].pop()
    scores: dict[str, FieldScore] = {}
    compare(wrong, actual, scores, name)
    assert sum(score.total - score.right for score in scores.values()) == 1
