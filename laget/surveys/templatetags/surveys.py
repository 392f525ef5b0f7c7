from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def score(value: Any, digits: int = 2) -> str:
    """A mean for people: Norwegian decimal comma, or a dash when there is none."""
    if value is None:
        return "–"
    return number_format(value, decimal_pos=digits)


@register.filter
def get(mapping: Any, key: Any) -> Any:
    return mapping.get(key) if mapping else None


@register.simple_tag
def tie(mapping: Any, rater: str, target: str) -> Any:
    return mapping.get((rater, target)) if mapping else None
