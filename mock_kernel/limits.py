"""Request limits every mock applies at its edge: body size and JSON nesting (issue 17)."""

from __future__ import annotations

import json
import re
import zlib
from typing import Any

from flask import Flask
from flask.json.provider import DefaultJSONProvider

# A request body past this size is refused with 413 before it is read (RFC 9110 §15.5.14).
# The largest body a scenario sends is an SP's metadata or a Response (tens of KB); Graph caps
# a request at 4 MB (docs "Microsoft Graph throttling / service limits"), the mocks lower.
MAX_BODY_BYTES = 1024 * 1024
# Deeper JSON is refused with 400: no Graph, admin or SCIM document nests past a handful of
# levels, and Python's parser and validators recurse (a 100,000-deep body was a RecursionError).
MAX_JSON_DEPTH = 64

# Strings (skipped whole, brackets inside them do not count) and the brackets that nest.
_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


# A SAML message a mock reads is a few KB: past this, a DEFLATE stream is refused, not inflated.
MAX_INFLATED_BYTES = 256 * 1024


def inflate_raw(raw: bytes, limit: int = MAX_INFLATED_BYTES) -> bytes:
    """Raw DEFLATE (RFC 1951, SAML's Redirect binding) streamed with a bound: ValueError when it
    inflates past `limit`, is broken, or does not end where the data ends."""
    inflater = zlib.decompressobj(-15)
    try:
        document = inflater.decompress(raw, limit + 1)
    except zlib.error as error:
        raise ValueError(f"not a DEFLATE stream: {error}") from None
    if len(document) > limit or inflater.unconsumed_tail:
        raise ValueError(f"the message inflates past {limit} bytes")
    if not inflater.eof or inflater.unused_data:
        raise ValueError("the DEFLATE stream does not end where the data ends")
    return document


class JsonTooDeep(ValueError):
    """A JSON document nested deeper than MAX_JSON_DEPTH (a ValueError: JSON loaders' failure)."""

    def __init__(self, limit: int = MAX_JSON_DEPTH) -> None:
        super().__init__(f"The JSON document is nested deeper than {limit} levels.")


def check_json_depth(text: str, limit: int = MAX_JSON_DEPTH) -> None:
    """Raise JsonTooDeep before parsing when brackets nest past `limit` (a scan, no recursion)."""
    if text.count("[") + text.count("{") <= limit:
        return
    depth = 0
    for match in _JSON_TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > limit:
                raise JsonTooDeep(limit)
        elif token in "]}":
            depth -= 1


def load_json(body: bytes | str, limit: int = MAX_JSON_DEPTH) -> Any:
    """json.loads with the nesting bound; malformed or too deep documents raise ValueError."""
    text = body.decode("utf-8") if isinstance(body, bytes) else body
    check_json_depth(text, limit)
    return json.loads(text)


class BoundedJsonProvider(DefaultJSONProvider):
    """Flask's JSON with the nesting bound on what requests send (request.get_json)."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        check_json_depth(s.decode("utf-8", "replace") if isinstance(s, bytes) else s)
        return super().loads(s, **kwargs)


def apply_request_limits(app: Flask, max_body_bytes: int = MAX_BODY_BYTES) -> Flask:
    """Bodies past `max_body_bytes` answer 413 (werkzeug's RequestEntityTooLarge, mapped to
    each app's error shape by its handler) and JSON nests at most MAX_JSON_DEPTH deep."""
    app.config["MAX_CONTENT_LENGTH"] = max_body_bytes
    app.config["MAX_FORM_MEMORY_SIZE"] = max_body_bytes
    app.json_provider_class = BoundedJsonProvider
    app.json = BoundedJsonProvider(app)
    return app
