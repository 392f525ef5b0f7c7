"""Template helpers for unread state and the safety net. `unread_state` reads through
notifications.selectors (one query, none with nothing unread) and keeps the answer for
the rest of the page."""

from __future__ import annotations

from typing import Any

from django import template

from laget.notifications import selectors
from laget.notifications.models import CallRequest

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_state(context: Any) -> selectors.Unread:
    request = context.get("request")
    if request is None:
        return selectors.Unread()
    cached = getattr(request, "_unread_state", None)
    if cached is None:
        cached = selectors.unread(actor=request.user)
        request._unread_state = cached
    return cached


@register.filter
def unread_on(state: selectors.Unread, plan_id: int) -> int:
    return state.by_plan.get(plan_id, 0)


@register.filter
def is_new(state: selectors.Unread, message_id: int) -> bool:
    return message_id in state.messages


@register.filter
def holds(ids: Any, item: int) -> bool:
    return bool(ids) and item in ids


@register.filter
def reads(access: Any, category: str) -> bool:
    """Whether a PlanAccess may read a category (for links to what only some may open)."""
    return bool(access is not None and access.may_read(category))


@register.simple_tag
def call_times() -> list[tuple[str, Any]]:
    return list(CallRequest.TimeOfDay.choices)


@register.inclusion_tag("notifications/_needs_you.html", takes_context=True)
def needs_you(context: Any) -> dict[str, Any]:
    request = context["request"]
    # On the dashboard the page has read the actor's places and logged its plans already.
    return {
        "n": selectors.needs_you(
            actor=request.user,
            request_id=getattr(request, "request_id", ""),
            team=getattr(request, "laget_team_accesses", None),
            logged=getattr(request, "laget_attention_logged", frozenset()),
        )
    }
