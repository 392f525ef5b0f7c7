"""Turning the print page into a PDF with WeasyPrint. Only our own stylesheet is loaded;
nothing is fetched from the network."""

from __future__ import annotations

from django.contrib.staticfiles import finders


def render_pdf(html: str) -> bytes:
    import weasyprint  # imported here: it loads pango and cairo, which only PDFs need

    stylesheet = finders.find("core/print.css")
    return weasyprint.HTML(string=html, url_fetcher=_no_fetching).write_pdf(
        stylesheets=[weasyprint.CSS(filename=stylesheet)] if stylesheet else []
    )


def _no_fetching(url: str, *args: object, **kwargs: object) -> dict:
    # A printout of personal data never reaches out to other servers.
    raise ValueError(f"not fetched: {url}")
