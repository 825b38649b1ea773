"""Serialize XML as Entra's .NET XmlWriter does: each start tag's namespace declarations last."""

from __future__ import annotations

import re

from lxml import etree

# Issue 19 (audit of real captures): Entra writes `<samlp:Response ID Version IssueInstant
# Destination [InResponseTo] xmlns:samlp>` and `<Assertion ID IssueInstant Version xmlns>`, the
# order .NET's XmlWriter produces (declarations it adds for the element follow the attributes
# written); lxml writes declarations first. Canonical XML orders both the same way, so moving
# them changes no digest or signature (XML-C14N §2.2, "Namespace nodes before attributes").
XML_DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>'

# lxml writes every attribute value in double quotes and escapes `<`, `>` and `"` inside it,
# so a start tag is exactly `<name` + ` attr="…"`* + optional `/` + `>`.
_START_TAG = re.compile(rb'<([^\s/>!?]+)((?:\s[^\s=/>]+="[^"]*")+)(\s*/?)>')
_ATTRIBUTE = re.compile(rb'\s([^\s=/>]+="[^"]*")')


def _declarations_last(match: re.Match[bytes]) -> bytes:
    attributes = _ATTRIBUTE.findall(match.group(2))
    names = [a for a in attributes if not a.startswith(b"xmlns")]
    declarations = [a for a in attributes if a.startswith(b"xmlns")]
    if not names or not declarations:
        return match.group(0)
    body = b" ".join(names + declarations)
    return b"<" + match.group(1) + b" " + body + match.group(3) + b">"


def reorder_declarations(xml: bytes) -> bytes:
    """`xml` (as lxml wrote it) with each start tag's xmlns declarations after its attributes."""
    return _START_TAG.sub(_declarations_last, xml)


_EMPTY_END = re.compile(rb"(<[^<>]*[^\s/<>])/>")


def tostring(
    element: etree._Element, xml_declaration: bool = False, space_before_empty_end: bool = False
) -> bytes:
    """The compact UTF-8 bytes Entra would write for `element`; with `xml_declaration`, Entra's
    declaration (double quotes, lower-case utf-8) directly followed by the root, no newline;
    with `space_before_empty_end`, empty elements end ` />` as in the federation metadata
    (capture; SAML Responses end them `/>`)."""
    body = reorder_declarations(etree.tostring(element, encoding="utf-8"))
    if space_before_empty_end:
        body = _EMPTY_END.sub(rb"\1 />", body)
    return XML_DECLARATION + body if xml_declaration else body
