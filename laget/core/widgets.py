"""Widgets that render in Python what Django renders through a template per option.

Django's Select renders every <option> through its own template (about 20 µs each): a
drop-down of 130 ties costs a survey results page a third of its CPU. FastSelect writes
the same HTML directly (escaped by format_html), for flat choice lists."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


class FastSelect(forms.Select):
    def render(
        self, name: str, value: Any, attrs: dict | None = None, renderer: Any = None
    ) -> SafeString:
        choices = list(self.choices)
        if any(isinstance(label, (list, tuple)) for _value, label in choices):
            return super().render(name, value, attrs, renderer)  # groups: Django's way
        final = self.build_attrs(self.attrs, attrs)
        chosen = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((str(v), " selected" if str(v) in chosen else "", label) for v, label in choices),
        )
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(final), options)
