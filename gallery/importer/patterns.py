"""URL values as the tutorials write them: what counts as a value, and its named placeholders."""

from __future__ import annotations

import re

# `<SUBDOMAIN>`, `<tenant-name>`, `{idpid}`, `[customer]`: the shapes Microsoft's tutorials use for
# the parts the admin fills in (issue 18: "placeholders in most").
# Qualtrics writes `https://< DATACENTER >.qualtrics.com`: spaces inside the brackets are allowed.
PLACEHOLDER = re.compile(r"<\s*[^<>/\s][^<>]*>|\{[^{}\s]+\}|\[[A-Za-z][\w\- ]*\]")
BARE_URL = re.compile(r"(?:https?|urn)://?[^\s`)\]\"']+|urn:[\w.\-:/]+", re.IGNORECASE)
LINK = re.compile(r"!?\[[^\]]*\]\([^)]*\)")


def placeholders_in(value: str) -> list[str]:
    return PLACEHOLDER.findall(value)


def looks_like_value(span: str) -> bool:
    """A code span holding a Basic SAML value: a URL, a URN, a placeholder pattern or one token."""
    text = span.strip()
    if not text or text.startswith("---"):
        return False
    if "://" in text or text.lower().startswith("urn:"):
        return True
    if PLACEHOLDER.search(text) and " " not in text:
        return True
    return " " not in text and len(text) > 2 and not text.lower().startswith(("user.", "b.simon"))


def bare_urls(text: str) -> list[str]:
    """URLs written outside code spans and links (older tutorials: `type the URL: https://…`)."""
    without = LINK.sub(" ", re.sub(r"`[^`]*`", " ", text))
    return [url.rstrip(".,;:") for url in BARE_URL.findall(without)]
