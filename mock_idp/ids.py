"""Identifiers as Entra writes them: GUIDs, and SAML IDs that are '_' plus a lowercase GUID."""

import uuid


def new_guid() -> str:
    return str(uuid.uuid4())


def saml_id() -> str:
    # Capture: ID="_8e8dc5f69a98cc4c1ff3427e5ce34606fd672f91e6" is ADFS; Entra uses '_' + GUID.
    return "_" + str(uuid.uuid4())
