from __future__ import annotations

import copy
from collections.abc import Iterator

import pytest

from laget.accounts.tests.oidc_peer import Peer, start_peer
from laget.tests.test_browser import browser  # noqa: F401 (the journey's Chromium)


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
    csp = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    csp["DIRECTIVES"]["form-action"].append(oidc_peer.url)
    settings.CONTENT_SECURITY_POLICY = csp
    return oidc_peer
