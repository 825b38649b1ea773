"""Identifiers as Entra writes them: GUIDs, and SAML IDs that are '_' plus a lowercase GUID."""

import os
import uuid


def new_guid() -> str:
    """A random (version 4) GUID, lowercase: what str(uuid.uuid4()) gives, in half the time (a
    provisioning cycle makes two per object, for its log entry's id and changeId)."""
    h = os.urandom(16).hex()
    # RFC 9562 §5.4: version nibble 4; variant bits 10, so the 17th digit is one of 8, 9, a, b.
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:]}"


def saml_id() -> str:
    # Capture: ID="_8e8dc5f69a98cc4c1ff3427e5ce34606fd672f91e6" is ADFS; Entra uses '_' + GUID.
    return "_" + str(uuid.uuid4())
