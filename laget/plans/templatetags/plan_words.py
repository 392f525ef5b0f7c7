"""`{{ code|category_label }}`: what a consent category means, in words (never its code)."""

from __future__ import annotations

from django import template

from laget.plans.models import Category

register = template.Library()


@register.filter
def category_label(code: str) -> str:
    for value, label in Category.choices:
        if value == code:
            return str(label)
    return code
