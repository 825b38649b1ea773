"""The administrator of a vendor's console and their signed-in sessions (no Flask): the real
consoles ask their administrator to sign in before any page (issue 17 F4)."""

from __future__ import annotations

import hmac
import secrets
import threading
from dataclasses import dataclass, field


@dataclass
class ConsoleAdmin:
    """The one administrator account of a vendor's console (the harness's own, as RingCentral's
    Service Web or 8x8 Admin Console would have one for the customer), and its sessions."""

    email: str
    password: str
    _sessions: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def sign_in(self, email: str, password: str) -> str | None:
        """A new session id when the credentials are the administrator's, else None."""
        known = hmac.compare_digest(email.strip().lower().encode(), self.email.lower().encode())
        right = hmac.compare_digest(password.encode(), self.password.encode())
        if not (known and right):
            return None
        session_id = secrets.token_urlsafe(24)
        with self._lock:
            self._sessions.add(session_id)
        return session_id

    def signed_in(self, session_id: str | None) -> bool:
        with self._lock:
            return bool(session_id) and session_id in self._sessions

    def sign_out(self, session_id: str | None) -> None:
        with self._lock:
            self._sessions.discard(session_id or "")

    def reset(self) -> None:
        with self._lock:
            self._sessions.clear()
