"""The plan page's links, reversed once per plan and process instead of some sixty
`{% url %}` tags per render (each a full reverse())."""

from __future__ import annotations

from functools import lru_cache

from django.urls import get_script_prefix, reverse

# Links that take the plan's id, by "app:name"; the page reads them as links.app_name.
PLAN_LINKS = (
    "continuity:challenge_picture",
    "continuity:timeline",
    "interop:plan_csv",
    "interop:plan_xlsx",
    "meetings:plan_meetings",
    "outcomes:chart",
    "plans:activate",
    "plans:consents",
    "plans:consent_summary",
    "plans:crisis_plan",
    "plans:edit",
    "plans:invite",
    "plans:messages",
    "plans:pdf",
    "plans:plan",
    "plans:plan_consent",
    "plans:print",
    "plans:roles",
    "plans:team",
    "notifications:call_me",
)
# Links to one item of the plan: links.X is what comes before the item's id, links.X_end
# what comes after it.
ITEM_LINKS = (
    "plans:attachment",
    "plans:emergency_review",
    "plans:goal_edit",
    "plans:measure_edit",
    "plans:task_done",
    "plans:task_reassign",
)
_ITEM = 987654321  # stands in for an item's id while reversing


def _key(name: str) -> str:
    return name.replace(":", "_")


@lru_cache(maxsize=4096)
def _links(plan_id: int, script_prefix: str) -> dict[str, str]:
    links = {_key(name): reverse(name, args=[plan_id]) for name in PLAN_LINKS}
    for name in ITEM_LINKS:
        url = reverse(name, args=[plan_id, _ITEM])
        prefix, _sep, rest = url.partition(str(_ITEM))
        links[_key(name)], links[f"{_key(name)}_end"] = prefix, rest
    links["plans_my_plans"] = reverse("plans:my_plans")
    links["plans_my_access_log"] = reverse("plans:my_access_log")
    return links


def plan_links(plan_id: int) -> dict[str, str]:
    """The plan's links (read-only: shared between requests)."""
    return _links(int(plan_id), get_script_prefix())
