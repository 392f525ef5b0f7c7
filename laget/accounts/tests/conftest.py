from __future__ import annotations

from collections.abc import Iterator

import pytest

from laget.accounts.tests.oidc_peer import Peer, start_peer


@pytest.fixture(scope="session")
def oidc_peer() -> Iterator[Peer]:
    peer = start_peer()
    yield peer
    peer.process.terminate()
    peer.process.wait(timeout=10)


@pytest.fixture
def oidc(settings, oidc_peer: Peer) -> Peer:
    """ID-porten and HelseID pointed at the local provider for this test."""
    settings.SOCIALACCOUNT_PROVIDERS = oidc_peer.providers()
    return oidc_peer
