"""Start the real OpenID provider (interop/oidc-peer, npm `oidc-provider`) on loopback.

Where Node or the installed package is missing the tests that need it skip with the
reason; in CI (CI set) that is a failure, because `.ci/run` installs it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from laget.accounts.oidc import HPR_CLAIM
from laget.plans.demo import synthetic_national_id

PEER_DIR = Path(__file__).resolve().parents[3] / "interop" / "oidc-peer"

# Fictional test users the peer knows; Laget knows some of them.
KARI_PID = synthetic_national_id(dt.date(1988, 3, 14), 150)
UNKNOWN_PID = synthetic_national_id(dt.date(1979, 11, 2), 160)
DOCTOR_HPR = "9144889"
UNKNOWN_HPR = "9100001"
USERS = {
    "kari": {"pid": KARI_PID, "acr": "idporten-loa-substantial", "name": "Kari Testperson"},
    "kari-lav": {"pid": KARI_PID, "acr": "idporten-loa-low", "name": "Kari Testperson"},
    "ukjent": {"pid": UNKNOWN_PID, "acr": "idporten-loa-high", "name": "Ukjent Testperson"},
    "lege": {HPR_CLAIM: DOCTOR_HPR, "name": "Lege Testesen"},
    "ukjent-lege": {HPR_CLAIM: UNKNOWN_HPR, "name": "Ukjent Lege"},
}
IDPORTEN_SECRET = "idporten-test-secret-" + os.urandom(8).hex()


@dataclass
class Peer:
    url: str
    private_key_pem: str
    process: subprocess.Popen = field(repr=False)

    def providers(self) -> dict:
        return {
            "openid_connect": {
                "provider_class": "laget.accounts.oidc.LagetOIDCProvider",
                "OAUTH_PKCE_ENABLED": True,
                "APPS": [
                    {
                        "provider_id": "idporten",
                        "name": "ID-porten",
                        "client_id": "laget-idporten",
                        "secret": IDPORTEN_SECRET,
                        "settings": {
                            "server_url": self.url,
                            "token_auth_method": "client_secret_post",
                            "scope": ["openid", "profile"],
                            "auth_params": {"acr_values": "idporten-loa-substantial"},
                            "laget_role": "person",
                        },
                    },
                    {
                        "provider_id": "helseid",
                        "name": "HelseID",
                        "client_id": "laget-helseid",
                        "secret": "",
                        "settings": {
                            "server_url": self.url,
                            "token_auth_method": "private_key_jwt",
                            "private_key": self.private_key_pem,
                            "key_id": "laget-test",
                            "scope": ["openid", "profile", "helseid://scopes/identity/hpr_number"],
                            "laget_role": "professional",
                            "counts_as_mfa": True,
                        },
                    },
                ],
            }
        }


def node_or_skip() -> str:
    node = shutil.which("node")
    reason = None
    if node is None:
        reason = (
            "Node.js is not installed: the OpenID provider tests need it "
            "(apt-get install nodejs npm)."
        )
    elif not (PEER_DIR / "node_modules" / "oidc-provider").exists():
        reason = "The OpenID test provider is not installed: run `npm ci` in interop/oidc-peer."
    if reason:
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    assert node is not None
    return node


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_peer() -> Peer:
    from jwt.algorithms import RSAAlgorithm

    node = node_or_skip()
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
    public.update(kid="laget-test", alg="RS256", use="sig")
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    port = _free_port()
    env = {
        **os.environ,
        "PORT": str(port),
        "IDPORTEN_SECRET": IDPORTEN_SECRET,
        "HELSEID_JWKS": json.dumps({"keys": [public]}),
        "PEER_USERS": json.dumps(USERS),
    }
    process = subprocess.Popen(
        [node, "peer.mjs"],
        cwd=PEER_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 30
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if line.startswith("oidc-peer ready"):
            return Peer(url=f"http://127.0.0.1:{port}", private_key_pem=pem, process=process)
        if not line and process.poll() is not None:
            break
    process.kill()
    raise RuntimeError("The OpenID test provider did not start.")
