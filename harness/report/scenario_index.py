"""Which tutorial and which mode (IdP-initiated, SP-initiated, provisioning, …) each scenario of
the demo report shows: the rows and columns of its first screen."""

from __future__ import annotations

import re
from dataclasses import dataclass

from gallery import GalleryApp, load_gallery

# The matrix's columns: (mode, any of these tags, any of these words in the scenario's or its
# feature's name). A scenario may show several modes (tutorial 004's walkthrough is SP-initiated).
MODES: list[tuple[str, frozenset[str], tuple[str, ...]]] = [
    ("Walkthrough", frozenset({"walkthrough"}), ()),
    ("IdP-initiated", frozenset(), ("from my apps", "idp-initiated", "idp initiated")),
    ("SP-initiated", frozenset(), ("sp-initiated", "sign-on url")),
    ("Single logout", frozenset(), ("single logout", "signing out")),
    ("Provisioning", frozenset({"provisioning"}), ()),
    ("Refusals", frozenset({"negative"}), ()),
]
OTHER_MODE = "Other checks"
# "tutorial 000", "tutorials 001 and 003", "Tutorial 002 walkthrough" in a feature's name.
TUTORIAL_MENTION = re.compile(r"\btutorials?\s+\d{3}(?:\s*(?:,|and)\s*\d{3})*", re.IGNORECASE)
KIND_WORDS = {"sso": "SAML SSO", "provisioning": "provisioning"}


def mentioned_tutorials(text: str) -> list[str]:
    return [n for m in TUTORIAL_MENTION.finditer(text) for n in re.findall(r"\d{3}", m.group(0))]


def kind_of(tags: set[str]) -> str | None:
    return next((kind for kind in KIND_WORDS if kind in tags), None)


def modes_of(name: str, feature: str, tags: set[str]) -> list[str]:
    text = f"{name} {feature}".lower()
    found = [
        mode
        for mode, mode_tags, words in MODES
        if (mode_tags & tags) or any(word in text for word in words)
    ]
    return found or [OTHER_MODE]


@dataclass(frozen=True)
class Row:
    """One tutorial (key "000") or one vendor's scenarios beyond the tutorials."""

    key: str
    label: str


class TutorialIndex:
    """Places scenarios in tutorial rows: by the tutorial their feature names, else by their
    vendor tag and kind (SSO or provisioning), the vendor's tutorials coming from the gallery
    and each tutorial's kind from the scenarios that name it."""

    def __init__(self, gallery: dict[str, GalleryApp] | None = None) -> None:
        self.gallery = gallery if gallery is not None else load_gallery()
        self.kinds: dict[str, str] = {}

    def learn(self, feature: str, tags: set[str]) -> None:
        kind = kind_of(tags)
        for number in mentioned_tutorials(feature):
            if kind is not None and len(mentioned_tutorials(feature)) == 1:
                self.kinds.setdefault(number, kind)

    def vendor(self, tags: set[str], name: str = "") -> GalleryApp | None:
        """By the vendor tag, else by the app's name in the scenario's (an outline's example
        row names its vendor in its parameters, not always in its tags)."""
        for tag in sorted(tags):
            if tag.startswith("vendor_") and tag[len("vendor_") :] in self.gallery:
                return self.gallery[tag[len("vendor_") :]]
        return next((app for app in self.gallery.values() if app.name in name), None)

    def rows(self, feature: str, tags: set[str], name: str = "") -> list[Row]:
        numbers = mentioned_tutorials(feature)
        vendor = self.vendor(tags, name)
        kind = kind_of(tags)
        if not numbers and vendor is not None:
            numbers = [n for n in vendor.tutorials if self.kinds.get(n) == kind]
        if numbers:
            return [self.tutorial_row(n) for n in numbers]
        what = KIND_WORDS.get(kind or "", "other")
        if vendor is None:
            return [Row(f"~every {what}", f"Every vendor, {what}")]
        return [Row(f"~{vendor.key} {what}", f"{vendor.name} {what}, beyond the tutorials")]

    def tutorial_row(self, number: str) -> Row:
        vendors = [app.name for app in self.gallery.values() if number in app.tutorials]
        kind = KIND_WORDS.get(self.kinds.get(number, ""), "")
        return Row(number, " ".join(part for part in (number, *vendors[:1], kind) if part))
