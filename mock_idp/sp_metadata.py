"""Reading an SP's metadata file for Basic SAML Configuration > "Upload metadata file" (no Flask)."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from .enterprise_apps import ReplyUrl

MD = "urn:oasis:names:tc:SAML:2.0:metadata"
POST = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"


class SpMetadataError(ValueError):
    pass


@dataclass
class SpMetadata:
    entity_id: str
    reply_urls: list[ReplyUrl]
    logout_url: str | None


def parse_sp_metadata(document: bytes) -> SpMetadata:
    """entityID becomes an Identifier; each HTTP-POST AssertionConsumerService a Reply URL with its
    index, the isDefault one marked Default; a Redirect SingleLogoutService the Logout Url
    (docs "Basic SAML Configuration": upload fills Identifier and Reply URL)."""
    document = document.removeprefix(b"\xef\xbb\xbf").strip()
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(document, parser)
    except etree.XMLSyntaxError as error:
        raise SpMetadataError(f"Failed to parse the metadata file: {error}") from None
    if root.tag == f"{{{MD}}}EntitiesDescriptor":
        found = root.find(f"{{{MD}}}EntityDescriptor")
        if found is None:
            raise SpMetadataError("The metadata file contains no EntityDescriptor.")
        root = found
    sp = root.find(f"{{{MD}}}SPSSODescriptor") if root.tag == f"{{{MD}}}EntityDescriptor" else None
    if sp is None or not root.get("entityID"):
        raise SpMetadataError("The metadata file does not describe a SAML service provider.")
    services = [
        s for s in sp.findall(f"{{{MD}}}AssertionConsumerService") if s.get("Binding") == POST
    ]
    if not services:
        raise SpMetadataError("The metadata file has no HTTP-POST AssertionConsumerService.")
    replies = []
    for position, service in enumerate(services):
        index = service.get("index")
        replies.append(
            ReplyUrl(
                service.get("Location", ""),
                int(index) if index and index.isdigit() else position,
                service.get("isDefault") == "true",
            )
        )
    if len(replies) == 1:
        replies[0].is_default = True
    logout = next(
        (
            s.get("Location")
            for s in sp.findall(f"{{{MD}}}SingleLogoutService")
            if s.get("Binding") == REDIRECT
        ),
        None,
    )
    return SpMetadata(root.get("entityID", ""), replies, logout)
