"""The access log gets only the indexes its queries use and, on PostgreSQL, yearly
partitions on `at` (audit/partitions.py): the rows are copied into a new partitioned table,
which takes the old one's name, indexes and foreign keys. (chain, seq) becomes a plain index
(PostgreSQL cannot enforce a unique index on a partitioned table without the partition key;
the chain head's lock hands out each place once and verify_audit checks every place), and the
index on the reader (actor_id), which no query uses, goes. Elsewhere the table stays plain."""

from django.conf import settings
from django.db import migrations, models

from laget.audit.partitions import convert


def to_partitioned(apps, schema_editor):
    convert(schema_editor, to_partitioned=True)


def to_plain(apps, schema_editor):
    convert(schema_editor, to_partitioned=False)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_refused_attempts"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="accesslogentry", name="audit_access_chain_seq"),
        migrations.AddIndex(
            model_name="accesslogentry",
            index=models.Index(fields=["chain", "seq"], name="audit_access_chain_seq_idx"),
        ),
        migrations.AlterField(
            model_name="accesslogentry",
            name="actor",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(to_partitioned, to_plain),
    ]
