"""No 500 from text a plan route cannot store (issue 14): a NUL byte in a message, a draft
or the API gave 500 on PostgreSQL; now every route refuses it with 400 and writes nothing."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from laget.plans.models import Message, MessageDraft

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(plan_world):
    client = Client(raise_request_exception=False)
    client.force_login(plan_world.coordinator)
    return client


@pytest.mark.parametrize("body", ["Hei\x00alle", "Hei\x07", "\x1b[2J"])
def test_a_message_with_control_characters_is_refused(plan_world, coordinator, body):
    plan_id = plan_world.plan.pk
    page = coordinator.post(reverse("plans:messages", args=[plan_id]), {"body": body})
    draft = coordinator.post(reverse("plans:message_draft", args=[plan_id]), {"body": body})
    api = coordinator.post(
        f"/api/v1/plans/{plan_id}/messages", {"body": body}, content_type="application/json"
    )
    for response in (page, draft, api):
        assert response.status_code == 400
        assert "kontrolltegn" in response.content.decode()
    assert not Message.objects.filter(plan=plan_world.plan).exists()
    assert not MessageDraft.objects.exists()


def test_a_lone_surrogate_in_json_is_refused(plan_world, coordinator):
    raw = json.dumps({"body": "Hei \ud800"})  # "\\ud800": valid JSON, not encodable text
    response = coordinator.post(
        f"/api/v1/plans/{plan_world.plan.pk}/messages", raw, content_type="application/json"
    )
    assert response.status_code == 400
    assert not Message.objects.filter(plan=plan_world.plan).exists()


@pytest.mark.parametrize("page", ["9223372036854775807", "0", "abc", "10001"])
def test_message_pages_are_bounded(plan_world, coordinator, page):
    url = f"/api/v1/plans/{plan_world.plan.pk}/messages"
    assert coordinator.get(url, {"page": page}).status_code in (400, 422)
    html = coordinator.get(reverse("plans:messages", args=[plan_world.plan.pk]), {"side": page})
    assert html.status_code in (200, 400)


def test_an_ordinary_message_with_newlines_still_goes_through(plan_world, coordinator):
    url = f"/api/v1/plans/{plan_world.plan.pk}/messages"
    response = coordinator.post(
        url, {"body": "Hei,\n\tvi ses.\r\n"}, content_type="application/json"
    )
    assert response.status_code == 201


# --- Attachments: the whole file decides, names say the same, no active content ----------

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40 + b"\x00\x00\x00\x00IEND\xaeB`\x82"
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n"


def _send(plan_world, client, name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(name, content)
    return client.post(
        reverse("plans:messages", args=[plan_world.plan.pk]),
        {"body": "Se vedlegg", "attachments": [upload]},
    )


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("side.html", b"<!doctype html><p>Hei</p>", "aktivt innhold"),
        ("bilde.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', "aktivt"),
        ("notat.txt", b"Hei\n<script>alert(1)</script>\n", "aktivt innhold"),
        ("bilde.png", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', "aktivt innhold"),
        # A real PNG header with a web page after the first 2 KB: the whole file decides.
        ("bilde.png", PNG[:8] + b"A" * 3000 + b"<html><script>x()</script>", "skadet"),
        ("brev.pdf", b"%PDF-1.4\n" + b"0" * 3000, "skadet"),
        ("brev.pdf", PDF.replace(b"/Catalog", b"/Catalog /OpenAction << /JS (x) >>"), "skript"),
        ("bilde.png", b"bare tekst", "ikke det navnet sier"),
        ("brev.pdf", PNG, "ikke det navnet sier"),
    ],
)
def test_active_or_mislabelled_files_are_refused(plan_world, coordinator, name, content, says):
    from laget.plans.models import Attachment

    response = _send(plan_world, coordinator, name, content)
    assert response.status_code == 400, name
    assert says in response.content.decode(), name
    assert not Attachment.objects.exists()
    assert not Message.objects.filter(plan=plan_world.plan).exists()


@pytest.mark.parametrize(
    ("name", "content", "kept", "kind"),
    [
        ("../../etc/rapport.PDF", PDF, "rapport.pdf", "application/pdf"),
        (
            "C:\\Users\\ola\\skann.jpeg",
            b"\xff\xd8\xff\xe0" + b"1" * 50 + b"\xff\xd9",
            "skann.jpeg",
            "image/jpeg",
        ),
        ("brev", b"Hei, her er brevet.\n", "brev.txt", "text/plain"),
        ("notat.docx", b"Bare tekst.\n", "notat.txt", "text/plain"),
        ("bilde\u202egnp.exe.png", PNG, "bildegnp.exe.png", "image/png"),
    ],
)
def test_names_are_reduced_to_an_allowed_extension(
    plan_world, coordinator, name, content, kept, kind
):
    from laget.plans.models import Attachment

    assert _send(plan_world, coordinator, name, content).status_code == 302, name
    attachment = Attachment.objects.get()
    assert (attachment.name, attachment.content_type) == (kept, kind)
