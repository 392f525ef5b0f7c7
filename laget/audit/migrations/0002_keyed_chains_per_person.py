"""The access log gets one chain per person and every entry a keyed hash (HMAC-SHA256 under
LAGET_AUDIT_KEY); entry_hash loses its unique index and person_id its single-column one,
which no query used. Existing entries are checked under the old scheme first: a broken log
is not re-hashed (that would hide the break) and the migration stops and says so."""

import hashlib
import hmac

from django.conf import settings
from django.db import migrations, models

import laget.audit.models
from laget.audit.chain import GENESIS, canonical

OLD_HASHED = {
    "change": ["at", "actor_id", "action", "object_type", "object_id", "before", "after"],
    "access": [
        "at", "actor_id", "actor_name", "actor_role", "actor_service", "person_id",
        "category", "object_type", "object_id", "purpose", "request_id",
    ],
}


def _payload(entry, fields):
    return {name: getattr(entry, name) for name in fields}


def rechain(apps, schema_editor):
    key = settings.LAGET_AUDIT_KEY.encode()
    AuditChain = apps.get_model("audit", "AuditChain")
    for model_name, log in (("ChangeRecord", "change"), ("AccessLogEntry", "access")):
        model = apps.get_model("audit", model_name)
        fields = OLD_HASHED[log]
        prev, heads, changed = GENESIS, {}, []
        for entry in model.objects.order_by("pk").iterator(chunk_size=2000):
            expected = hashlib.sha256(f"{prev}\n{canonical(_payload(entry, fields))}".encode())
            if entry.prev_hash != prev or entry.entry_hash != expected.hexdigest():
                raise RuntimeError(
                    f"The {log} log is broken at entry {entry.pk} (run verify_audit on the "
                    "previous version): it is not re-hashed, as that would hide the break."
                )
            prev = entry.entry_hash
            chain = log if log == "change" else f"access:{entry.person_id}"
            last_hash, length = heads.get(chain, (GENESIS, 0))
            entry.chain, entry.seq, entry.prev_hash = chain, length + 1, last_hash
            message = f"{last_hash}\n{canonical({'chain': chain} | _payload(entry, fields))}"
            entry.entry_hash = hmac.new(key, message.encode(), hashlib.sha256).hexdigest()
            heads[chain] = (entry.entry_hash, length + 1)
            changed.append(entry)
            if len(changed) >= 2000:
                model.objects.bulk_update(changed, ["chain", "seq", "prev_hash", "entry_hash"])
                changed = []
        model.objects.bulk_update(changed, ["chain", "seq", "prev_hash", "entry_hash"])
        AuditChain.objects.filter(name=log).delete()
        AuditChain.objects.bulk_create(
            AuditChain(name=name, last_hash=last_hash, length=length)
            for name, (last_hash, length) in heads.items()
        )


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.AlterField(
            model_name="auditchain",
            name="name",
            field=models.CharField(max_length=40, primary_key=True, serialize=False),
        ),
        migrations.AddField(
            model_name="auditchain",
            name="before_last_hash",
            field=models.CharField(default="", editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="accesslogentry",
            name="chain",
            field=models.CharField(default="", editable=False, max_length=40),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="accesslogentry",
            name="seq",
            field=models.PositiveBigIntegerField(default=0, editable=False),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="changerecord",
            name="chain",
            field=models.CharField(default="", editable=False, max_length=40),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="changerecord",
            name="seq",
            field=models.PositiveBigIntegerField(default=0, editable=False),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="accesslogentry",
            name="entry_hash",
            field=models.CharField(editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name="changerecord",
            name="entry_hash",
            field=models.CharField(editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name="accesslogentry",
            name="person_id",
            field=models.BigIntegerField(),
        ),
        migrations.AlterField(
            model_name="accesslogentry",
            name="at",
            field=models.DateTimeField(
                default=laget.audit.models.now_to_the_millisecond, verbose_name="when"
            ),
        ),
        migrations.AlterField(
            model_name="changerecord",
            name="at",
            field=models.DateTimeField(
                db_index=True,
                default=laget.audit.models.now_to_the_millisecond,
                verbose_name="when",
            ),
        ),
        migrations.RunPython(rechain, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="accesslogentry",
            constraint=models.UniqueConstraint(
                fields=("chain", "seq"), name="audit_access_chain_seq"
            ),
        ),
        migrations.AddConstraint(
            model_name="changerecord",
            constraint=models.UniqueConstraint(
                fields=("chain", "seq"), name="audit_change_chain_seq"
            ),
        ),
    ]
