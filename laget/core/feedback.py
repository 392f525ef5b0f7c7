"""Telling the user how a write went, the same way on every page."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest


def run_and_report(request: HttpRequest, write: Callable[[], object], success: str) -> bool:
    """Run a service call. Its Norwegian refusal (a ValidationError) becomes an error
    message, otherwise `success` is shown. True when the write went through."""
    try:
        write()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return False
    messages.success(request, success)
    return True
