"""GUIDs as Entra writes them: random version-4 UUIDs in lowercase 8-4-4-4-12 form."""

from __future__ import annotations

import re
import uuid

from mock_idp.ids import new_guid, saml_id


def test_new_guid_is_a_random_version_4_uuid_in_canonical_form() -> None:
    guids = [new_guid() for _ in range(2000)]
    assert len(set(guids)) == len(guids)
    for guid in guids:
        parsed = uuid.UUID(guid)
        assert str(parsed) == guid, "lowercase, hyphenated"
        assert parsed.version == 4 and parsed.variant == uuid.RFC_4122
    # Every other digit is random: each position takes many values over 2,000 GUIDs.
    digits = [g.replace("-", "") for g in guids]
    for position in range(32):
        seen = {d[position] for d in digits}
        if position == 12:
            assert seen == {"4"}
        elif position == 16:
            assert seen == set("89ab")
        else:
            assert len(seen) == 16, position


def test_saml_id_is_an_underscore_and_a_guid() -> None:
    assert re.fullmatch(r"_[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}", saml_id())
