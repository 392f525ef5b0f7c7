"""Catalogue pages. Thin: parse the request, call a selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from laget.directory import selectors, services
from laget.directory.forms import CatalogueEntryForm, CatalogueSearchForm, DistrictForm
from laget.directory.models import District, Network


@require_http_methods(["GET", "HEAD"])
def catalogue(request: HttpRequest) -> HttpResponse:
    organisations = selectors.organisation_list(actor=request.user)
    form = CatalogueSearchForm(request.GET or None, organisations=organisations)
    filters = form.filters() if request.GET else selectors.CatalogueFilters()
    page = selectors.catalogue_search(
        actor=request.user, filters=filters, page_number=request.GET.get("side", 1)
    )
    query = request.GET.copy()
    query.pop("side", None)
    context = {"form": form, "page": page, "filters": filters, "query": query.urlencode()}
    # htmx asks for the results only while the person types or changes a filter.
    template = (
        "directory/_results.html"
        if request.headers.get("HX-Request")
        else "directory/catalogue.html"
    )
    return render(request, template, context)


@require_http_methods(["GET", "HEAD"])
def service_detail(request: HttpRequest, slug: str) -> HttpResponse:
    page = selectors.service_page(actor=request.user, slug=slug)
    return render(request, "directory/service_detail.html", {"page": page, "service": page.service})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def service_edit(request: HttpRequest, slug: str) -> HttpResponse:
    service = selectors.service_for_edit(actor=request.user, slug=slug)
    entry = service.entry
    conflict = None
    if request.method == "POST":
        form = CatalogueEntryForm(request.POST, instance=entry)
        if form.is_valid():
            try:
                services.catalogue_entry_update(
                    actor=request.user,
                    service=service,
                    based_on_version=form.cleaned_data["version"],
                    data={f: form.cleaned_data[f] for f in form.Meta.fields},
                )
            except services.CatalogueEditConflict as exc:
                # Keep what this person typed, show the other change beside it, and base
                # their next save on the current version: nothing is overwritten unseen.
                conflict = exc.current
                data = request.POST.copy()
                data["version"] = str(conflict.version)
                form = CatalogueEntryForm(data, instance=entry)
                form.is_valid()
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The catalogue entry is saved."))
                return redirect("directory:service", slug=service.slug)
    else:
        form = CatalogueEntryForm(instance=entry, initial={"version": entry.version})
    status = 409 if conflict else (400 if request.method == "POST" else 200)
    return render(
        request,
        "directory/service_edit.html",
        {"service": service, "form": form, "conflict": conflict},
        status=status,
    )


@require_http_methods(["GET", "HEAD"])
def network_list(request: HttpRequest) -> HttpResponse:
    networks = selectors.network_list(actor=request.user)
    return render(request, "directory/network_list.html", {"networks": networks})


@login_required
@require_http_methods(["GET", "HEAD"])
def whos_who(request: HttpRequest, slug: str) -> HttpResponse:
    whos_who = selectors.network_whos_who(actor=request.user, slug=slug)
    return render(request, "directory/whos_who.html", {"w": whos_who})


def _districts_page(
    request: HttpRequest,
    network: Network,
    districts: list[District],
    *,
    form: DistrictForm | None = None,
    editing: District | None = None,
    rename_form: DistrictForm | None = None,
    conflict: District | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "network": network,
        "districts": districts,
        "form": form or DistrictForm(),
        "editing": editing,
        "rename_form": rename_form,
        "conflict": conflict,
    }
    return render(request, "directory/districts.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def districts(request: HttpRequest, slug: str) -> HttpResponse:
    """The network's municipality districts; POST adds one. For the network's leaders."""
    network, existing = selectors.network_for_districts(actor=request.user, slug=slug)
    if request.method != "POST":
        return _districts_page(request, network, existing)
    form = DistrictForm(request.POST)
    if form.is_valid():
        try:
            services.district_create(
                actor=request.user, network=network, name=form.cleaned_data["name"]
            )
        except ValidationError as exc:
            form.add_error("name", exc.message_dict.get("name", exc.messages))
        else:
            messages.success(request, _("The district is added."))
            return redirect("directory:districts", slug=network.slug)
    return _districts_page(request, network, existing, form=form, status=400)


@login_required
@require_POST
def district_rename(request: HttpRequest, slug: str, district_id: int) -> HttpResponse:
    """Rename a district; someone else's rename in between is shown, never overwritten."""
    network, existing = selectors.network_for_districts(actor=request.user, slug=slug)
    district = next((d for d in existing if d.pk == district_id), None)
    if district is None:  # another network's district, or none
        raise Http404
    form = DistrictForm(request.POST)
    if form.is_valid() and form.cleaned_data["version"] is None:
        form.add_error(None, _("The page was out of date. Open it again and retry."))
    if form.is_valid():
        try:
            services.district_rename(
                actor=request.user,
                district=district,
                name=form.cleaned_data["name"],
                based_on_version=form.cleaned_data["version"],
            )
        except services.DistrictEditConflict as exc:
            return _districts_page(
                request, network, existing, editing=district, conflict=exc.current, status=409
            )
        except ValidationError as exc:
            form.add_error("name", exc.message_dict.get("name", exc.messages))
        else:
            messages.success(request, _("The district is renamed."))
            return redirect("directory:districts", slug=network.slug)
    return _districts_page(
        request, network, existing, editing=district, rename_form=form, status=400
    )
