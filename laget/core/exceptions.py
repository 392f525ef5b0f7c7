"""Refusals that explain themselves."""

from __future__ import annotations

from django.http import Http404


class ExplainedNotFound(Http404):
    """Not found *for you*, with a reason the reader may know: shown by
    ExplainedNotFoundMiddleware on a 404 page in plain words. Raise it only where the
    reason leaks nothing the reader did not already know (for example to someone whose own
    access to a plan has ended)."""

    template_name = "404_explained.html"

    def __init__(self, heading: str, explanation: str) -> None:
        super().__init__(heading)
        self.heading = heading
        self.explanation = explanation
