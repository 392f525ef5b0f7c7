"""Backup → wipe → restore (issue 14), on whichever engine the suite runs (CI runs both):
the restored installation passes verify_audit and serves the attachment again."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from laget.audit.models import ChangeRecord
from laget.plans import services
from laget.plans.models import Attachment, Message

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n"


@pytest.mark.django_db(transaction=True)
def test_backup_wipe_restore_round_trip(plan_world, tmp_path, settings, monkeypatch):
    monkeypatch.setenv("LAGET_BACKUP_PASSPHRASE", "en passfrase som er lang nok")
    message = services.message_post(
        actor=plan_world.coordinator,
        plan=plan_world.plan,
        body="Referat fra møtet er vedlagt.",
        attachments=[SimpleUploadedFile("referat.pdf", PDF)],
    )
    attachment = message.attachments.get()
    changes = ChangeRecord.objects.count()
    archive = tmp_path / "laget.bak"
    out = io.StringIO()
    call_command("backup", str(archive), stdout=out)
    assert "1 attachment files" in out.getvalue()
    assert b"Referat" not in archive.read_bytes()  # encrypted
    # The audit key goes with the database: without it the keyed hashes cannot be verified.
    from laget.core import backup

    _, members = backup.read(archive.read_bytes(), passphrase="en passfrase som er lang nok")
    assert members["keys/audit_key"].decode() == settings.LAGET_AUDIT_KEY

    # Wipe: the database emptied and the attachment files gone.
    call_command("flush", "--no-input")
    shutil.rmtree(settings.MEDIA_ROOT)
    assert not Message.objects.exists()

    out = io.StringIO()
    call_command("restore", str(archive), "--yes", stdout=out)
    assert "intact" in out.getvalue()  # restore ends with verify_audit
    assert ChangeRecord.objects.count() == changes
    assert Message.objects.get(pk=message.pk).body == "Referat fra møtet er vedlagt."
    restored = Attachment.objects.get(pk=attachment.pk)
    assert Path(restored.file.path).read_bytes() == PDF

    client = Client()
    client.force_login(plan_world.coordinator)
    url = reverse(
        "plans:attachment", kwargs={"plan_id": plan_world.plan.pk, "attachment_id": attachment.pk}
    )
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.django_db(transaction=True)
def test_a_wrong_passphrase_or_a_changed_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("LAGET_BACKUP_PASSPHRASE", "en passfrase som er lang nok")
    archive = tmp_path / "laget.bak"
    call_command("backup", str(archive), stdout=io.StringIO())
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(archive))
    monkeypatch.setenv("LAGET_BACKUP_PASSPHRASE", "en annen passfrase, også lang")
    with pytest.raises(CommandError, match="Wrong passphrase"):
        call_command("restore", str(archive), "--yes")
    monkeypatch.setenv("LAGET_BACKUP_PASSPHRASE", "en passfrase som er lang nok")
    data = bytearray(archive.read_bytes())
    data[-10] ^= 1
    archive.write_bytes(bytes(data))
    with pytest.raises(CommandError, match="changed"):
        call_command("restore", str(archive), "--yes")


@pytest.mark.django_db(transaction=True)
def test_a_scratch_installation_with_another_audit_key_gets_the_backups(
    plan_world, tmp_path, settings, monkeypatch
):
    """The monthly restore test of the README: a scratch installation has its own generated
    audit key; the restore puts the backup's key in place, so the chains still verify."""
    monkeypatch.setenv("LAGET_BACKUP_PASSPHRASE", "en passfrase som er lang nok")
    monkeypatch.delenv("LAGET_AUDIT_KEY", raising=False)
    services.message_post(
        actor=plan_world.coordinator,
        plan=plan_world.plan,
        body="Skrevet før sikkerhetskopien.",
        attachments=[SimpleUploadedFile("notat.pdf", PDF)],
    )
    original_key = settings.LAGET_AUDIT_KEY
    archive = tmp_path / "laget.bak"
    call_command("backup", str(archive), stdout=io.StringIO())

    scratch = tmp_path / "scratch-var"
    scratch.mkdir()
    (scratch / "audit_key").write_text("en helt annen nøkkel for en ny installasjon")
    settings.VAR_DIR = scratch
    settings.LAGET_AUDIT_KEY = "en helt annen nøkkel for en ny installasjon"
    settings.MEDIA_ROOT = str(scratch / "media")
    call_command("flush", "--no-input")

    out = io.StringIO()
    call_command("restore", str(archive), "--yes", stdout=out)
    assert "The audit key was written" in out.getvalue()
    assert "intact" in out.getvalue()
    assert (scratch / "audit_key").read_text() == original_key
    attachment = Attachment.objects.get(name="notat.pdf")
    assert Path(attachment.file.path).read_bytes() == PDF
    assert str(scratch) in attachment.file.path
