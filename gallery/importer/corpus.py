"""`make corpus`: import every tutorial of ../shared/gallery-corpus and print per-field accuracy against
the hand-checked expectations in tests/data/gallery_expected (issue 18, Deliver 6)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gallery.importer.tutorial import import_tutorial

CHECKOUT = Path(__file__).resolve().parents[2]
DEFAULT_CORPUS = CHECKOUT.parent / "shared" / "gallery-corpus"
DEFAULT_EXPECTED = CHECKOUT / "tests" / "data" / "gallery_expected"
# Published tutorials the importer was not developed on, with summaries written before it ran on them
# (tests/data/heldout/README.md): the measure of how it generalizes.
HELDOUT_TUTORIALS = CHECKOUT / "tests" / "data" / "heldout" / "tutorials"
HELDOUT_EXPECTED = CHECKOUT / "tests" / "data" / "heldout" / "expected"
TARGET = 0.95

# Fields scored as sets: the schema calls capabilities a subset, and placeholders / markers have no order.
SET_FIELDS = {"capabilities", "values_not_in_text", "placeholders"}
TOP_FIELDS = ("kind", "exclude_reason", "app")
SSO_FIELDS = (
    "modes",
    "identifier",
    "reply_url",
    "sign_on_url",
    "relay_state",
    "logout_url",
    "values_not_in_text",
    "placeholders",
    "fixed_identifier_note",
    "claims",
    "role_claim",
    "certificate",
    "jit",
    "app_side_fields",
)
PROVISIONING_FIELDS = (
    "capabilities",
    "tenant_url",
    "auth",
    "user_attributes",
    "group_attributes",
    "limitations",
)
SCHEMA_ATTRIBUTE_KEYS = ("name", "type", "filterable", "required")


def _normal(name: str, value: Any) -> Any:
    if name in SET_FIELDS and isinstance(value, list):
        return sorted(value)
    if name in ("user_attributes", "group_attributes") and isinstance(value, list):
        # Only the schema's keys are scored; `source` and `custom_extension` are extras.
        return [{key: item.get(key) for key in SCHEMA_ATTRIBUTE_KEYS} for item in value]
    if name == "app" and isinstance(value, str):
        return value.strip().casefold()
    return value


@dataclass
class FieldScore:
    right: int = 0
    total: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 1.0


def compare(
    expected: dict[str, Any], actual: dict[str, Any], scores: dict[str, FieldScore], name: str
) -> None:
    """Score one tutorial: every top field, and each field of the part its expectation has."""

    def score(field_name: str, key: str, want: Any, got: Any) -> None:
        entry = scores.setdefault(key, FieldScore())
        entry.total += 1
        if _normal(field_name, want) == _normal(field_name, got):
            entry.right += 1
        else:
            entry.misses.append(f"{name}: expected {want!r}, got {got!r}")

    for key in TOP_FIELDS:
        score(key, key, expected.get(key), actual.get(key))
    for part, fields in (("sso", SSO_FIELDS), ("provisioning", PROVISIONING_FIELDS)):
        want_part = expected.get(part)
        if want_part is None:
            continue
        got_part = actual.get(part) or {}
        for key in fields:
            score(key, f"{part}.{key}", want_part.get(key), got_part.get(key))


def run(corpus: Path, expected_dir: Path) -> dict[str, FieldScore]:
    scores: dict[str, FieldScore] = {}
    for expected_file in sorted(expected_dir.rglob("*.json")):
        relative = expected_file.relative_to(expected_dir).with_suffix("")
        tutorial = corpus / relative
        expected = json.loads(expected_file.read_text(encoding="utf-8"))
        actual = import_tutorial(tutorial, str(relative)).summary()
        compare(expected, actual, scores, str(relative))
    return scores


def table(scores: dict[str, FieldScore], show: Callable[[str], None] = print) -> None:
    show(f"{'field':34} {'right':>5} {'of':>4} {'accuracy':>9}")
    for key, entry in scores.items():
        flag = "" if entry.accuracy >= TARGET else "  < 95 %"
        show(f"{key:34} {entry.right:>5} {entry.total:>4} {entry.accuracy:>8.1%}{flag}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--expected", type=Path, default=DEFAULT_EXPECTED)
    parser.add_argument("--misses", action="store_true", help="print every mismatch")
    parser.add_argument(
        "--heldout", action="store_true", help="score the held-out tutorials of tests/data/heldout"
    )
    args = parser.parse_args(argv)
    if args.heldout:
        args.corpus, args.expected = HELDOUT_TUTORIALS, HELDOUT_EXPECTED
    if not args.corpus.is_dir():
        print(
            f"corpus skipped: {args.corpus} is absent (the corpus lives in ../shared beside the checkout)"
        )
        return 0
    scores = run(args.corpus, args.expected)
    table(scores)
    if args.misses:
        for key, entry in scores.items():
            for miss in entry.misses:
                print(f"  {key}: {miss}")
    return 0 if all(entry.accuracy >= TARGET for entry in scores.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
