"""The SMS gateway: a small interface, chosen by settings.LAGET_SMS_BACKEND.

A real gateway (a Norwegian SMS provider) is a class with the same `send`; it must pass
the idempotency key on if the provider supports one, so a retry never sends twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SmsBackend(Protocol):
    def send(self, *, to: str, text: str, idempotency_key: str) -> None: ...


class ConsoleSmsBackend:
    """Development: the SMS is written to the log instead of sent."""

    def send(self, *, to: str, text: str, idempotency_key: str) -> None:
        logger.warning("SMS to %s [%s]: %s", to, idempotency_key, text)


@dataclass
class SentSms:
    to: str
    text: str
    idempotency_key: str


class LocmemSmsBackend:
    """Tests: what would have been sent is kept in `outbox`."""

    outbox: list[SentSms] = []

    def send(self, *, to: str, text: str, idempotency_key: str) -> None:
        LocmemSmsBackend.outbox.append(SentSms(to, text, idempotency_key))


def sms_backend() -> SmsBackend:
    return import_string(settings.LAGET_SMS_BACKEND)()
