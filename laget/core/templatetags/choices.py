"""`{{ obj|choice_label:"field" }}`: the label of a choice field's value.

The same text as Django's `obj.get_field_display`, which rebuilds a dict of every choice on
each call and so translates every label to hash it; in a list of forty team members that
was a thousand translations per page. This walks the choices and translates only the one
it returns.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.db import models

register = template.Library()


@register.filter
def choice_label(obj: models.Model, field_name: str) -> Any:
    field = obj._meta.get_field(field_name)
    if not isinstance(field, models.Field):  # a relation's reverse side has no choices
        raise TypeError(f"{field_name} is not a field with choices")
    value = getattr(obj, field.attname)
    for choice, label in field.flatchoices:
        if choice == value:
            return label
    return value
