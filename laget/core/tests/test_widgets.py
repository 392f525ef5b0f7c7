"""FastSelect writes the same drop-down as Django's Select, escaped, for flat choices."""

from __future__ import annotations

from django import forms

from laget.core.widgets import FastSelect


class Both(forms.Form):
    slow = forms.ChoiceField(choices=[("1", "Å <b>"), ("2", 'to "2"')], required=False)
    fast = forms.ChoiceField(
        choices=[("1", "Å <b>"), ("2", 'to "2"')], required=False, widget=FastSelect
    )


def _options(html: str) -> str:
    return "".join(line.strip() for line in html.split(">", 1)[1].splitlines())


def test_fast_select_renders_the_options_as_django_does():
    form = Both(initial={"slow": "2", "fast": "2"})
    slow, fast = str(form["slow"]), str(form["fast"])
    assert _options(slow) == _options(fast)
    assert "&lt;b&gt;" in fast and 'value="2" selected' in fast
    assert fast.startswith('<select name="fast" id="id_fast">')


def test_fast_select_falls_back_for_groups():
    widget = FastSelect(choices=[("Gruppe", [("1", "En")])])
    assert "<optgroup" in widget.render("x", "1")
