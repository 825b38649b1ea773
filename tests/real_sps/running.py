"""Start one app around a real SP library on 127.0.0.1 and tell it which IdP to trust."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import httpx

from mock_sp.idp_settings import parse_idp_metadata
from tests.real_sps.catalogue import LIBRARIES
from tests.real_sps.install import CACHE, ensure

APPS = Path(__file__).parent / "apps"
# The victim and the attacker: ordinary accounts of the SP's own user directory.
DEFAULT_USERS = ("b.simon@contoso.com", "attacker@contoso.com")
START_TIMEOUT = 60.0  # pysaml2 7 imports for seconds on a loaded machine


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class RunningSp:
    """A started app: its URLs, and stop(). Routes: /metadata (its SP metadata), /login
    (SP-initiated sign-on), /acs, /whoami (JSON {"user": name}, 401 when nobody), / (a page
    reading "Signed in as <name>"), /health."""

    library: str
    version: str
    base_url: str
    entity_id: str
    process: subprocess.Popen[bytes] = field(repr=False)
    log: Path = field(repr=False, default=Path())  # the app's stdout and stderr

    @property
    def acs_url(self) -> str:
        return f"{self.base_url}/acs"

    @property
    def sign_on_url(self) -> str:
        return f"{self.base_url}/login"

    @property
    def whoami_url(self) -> str:
        return f"{self.base_url}/whoami"

    @property
    def metadata_url(self) -> str:
        return f"{self.base_url}/metadata"

    def metadata(self) -> bytes:
        return httpx.get(self.metadata_url, timeout=10).content

    def trust(self, idp_metadata: bytes) -> None:
        """What the SP's admin does with Entra's Federation Metadata XML: reads the Identifier,
        the Login URL and the Base64 certificate from it into the SP's settings."""
        idp = parse_idp_metadata(idp_metadata)
        self.trust_settings(idp.entity_id, idp.sso_url, idp.certificates[0])

    def trust_settings(self, entity_id: str, sso_url: str, certificate: str) -> None:
        """The same typed in: Microsoft Entra Identifier, Login URL, Base64 certificate."""
        answer = httpx.post(
            f"{self.base_url}/_admin/idp",
            json={"entity_id": entity_id, "sso_url": sso_url, "certificate": certificate},
            timeout=10,
        )
        answer.raise_for_status()

    def trust_metadata_url(self, url: str, client: httpx.Client) -> None:
        """From the App Federation Metadata URL, fetched with `client` (one that reaches the
        simulated tenant, e.g. harness.http)."""
        answer = client.get(url)
        answer.raise_for_status()
        self.trust(answer.content)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.unlink(missing_ok=True)

    def __enter__(self) -> RunningSp:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()


def command(
    library: str, version: str, config: dict[str, object]
) -> tuple[list[str], dict[str, str]]:
    pin = LIBRARIES[library][version]
    home = ensure(library, version)
    env = dict(os.environ)
    if pin.runtime == "python":
        return [str(home / "bin" / "python"), str(APPS / pin.app), json.dumps(config)], env
    env["NODE_PATH"] = str(home / "node_modules")
    return ["node", str(APPS / pin.app), json.dumps(config)], env


def start(
    library: str,
    version: str,
    *,
    users: tuple[str, ...] = DEFAULT_USERS,
    idp_metadata: bytes | None = None,
    metadata_url: str | None = None,
    http: httpx.Client | None = None,
    sp_initiated_only: bool = False,
) -> RunningSp:
    """Install (first use only) and start the app of `library` at `version`; trust the IdP
    now from `idp_metadata` bytes or `metadata_url` (fetched with `http`), or later with
    trust() — until then it answers 503 at /login and /acs, as an SP not yet configured does.
    `sp_initiated_only`: it refuses a Response that answers none of its AuthnRequests."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    entity_id = f"https://{library}-{version}.real-sp.example/saml"
    config = {
        "library": library,
        "version": version,
        "port": port,
        "entity_id": entity_id,
        "acs_url": f"{base}/acs",
        "users": list(users),
        "sp_initiated_only": sp_initiated_only,
    }
    argv, env = command(library, version, config)
    # The app's output goes to a file: a pipe nobody reads fills up (pysaml2 logs every
    # refusal) and then blocks the app mid-request.
    log = CACHE / "logs" / f"{library}-{version}-{port}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as output:
        process = subprocess.Popen(argv, env=env, stdout=output, stderr=subprocess.STDOUT)
    running = RunningSp(library, version, base, entity_id, process, log)
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if process.poll() is not None:
            error = log.read_text(errors="replace")
            raise RuntimeError(f"{library} {version} exited at start:\n{error[-3000:]}")
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            running.stop()
            raise RuntimeError(f"{library} {version} did not start within {START_TIMEOUT} s")
        time.sleep(0.05)
    if idp_metadata is not None:
        running.trust(idp_metadata)
    elif metadata_url is not None:
        running.trust_metadata_url(metadata_url, http or httpx.Client())
    return running
