"""The API's page numbers, bounded: a page beyond MAX_PAGE is a 422, not an OFFSET the
database cannot hold. NINJA_PAGINATION_CLASS makes it the default for @paginate."""

from __future__ import annotations

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

from laget.core.validation import MAX_PAGE


class BoundedPageNumberPagination(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=1000)
