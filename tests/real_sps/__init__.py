"""Real SAML SP libraries (python3-saml, pysaml2, node-saml, passport-saml, samlify) at pinned
vulnerable and fixed versions, each behind a small app on 127.0.0.1 (issue 15, Deliver 7).

    from tests.real_sps import start, LIBRARIES, fixed
    with start("samlify", fixed("samlify")) as sp:      # installs on first use (.cache/real_sps)
        sp.metadata()                                    # its SP metadata (entity ID, ACS)
        sp.trust(idp_metadata)                           # or trust_metadata_url(url, harness.http)
        ... sign in through sp.sign_on_url or post to sp.acs_url; sp.whoami_url answers
        {"user": "<name>"} (401 when nobody) for the browser's session cookie.

Users: b.simon@contoso.com and attacker@contoso.com (start(users=...) to change)."""

from tests.real_sps.catalogue import LIBRARIES, fixed, vulnerable
from tests.real_sps.running import DEFAULT_USERS, RunningSp, start

__all__ = ["DEFAULT_USERS", "LIBRARIES", "RunningSp", "fixed", "start", "vulnerable"]
