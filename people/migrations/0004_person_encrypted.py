"""Person.id_number and Person.phone encrypted at rest, with keyed hashes for lookups.

Existing rows are encrypted in batches of 2,000 with progress. Reversible: going back decrypts
them (the keys must still be set) and restores the plain unique ID column.
"""

import sys

from django.db import migrations, models

import core.fields
from core.encryption_batches import Column, decrypt_rows, encrypt_rows

COLUMNS = [
    Column("id_number", (("id_number_hash", "id_number"), ("id_last4_hash", "id_last4"))),
    Column("phone", (("phone_hash", "phone"), ("phone_last4_hash", "phone_last4"))),
]


def _progress(line: str) -> None:
    print(f"  {line}", file=sys.stdout, flush=True)


def encrypt(apps, schema_editor):
    encrypt_rows(schema_editor.connection, "people_person", COLUMNS, progress=_progress)


def decrypt(apps, schema_editor):
    decrypt_rows(schema_editor.connection, "people_person", COLUMNS, progress=_progress)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0003_import_checking"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="person", name="person_phone_last4"),
        migrations.RemoveIndex(model_name="person", name="person_id_last4"),
        migrations.RemoveField(model_name="person", name="id_last4"),
        migrations.RemoveField(model_name="person", name="phone_last4"),
        migrations.AddField(
            model_name="person",
            name="id_last4_hash",
            field=core.fields.BlindIndexField(
                blank=True, default="", purpose="id_last4", source="id_number"
            ),
        ),
        migrations.AddField(
            model_name="person",
            name="id_number_hash",
            field=core.fields.BlindIndexField(
                default=None, null=True, purpose="id_number", source="id_number"
            ),
        ),
        migrations.AddField(
            model_name="person",
            name="phone_hash",
            field=core.fields.BlindIndexField(
                blank=True, default="", purpose="phone", source="phone"
            ),
        ),
        migrations.AddField(
            model_name="person",
            name="phone_last4_hash",
            field=core.fields.BlindIndexField(
                blank=True, default="", purpose="phone_last4", source="phone"
            ),
        ),
        migrations.AlterField(
            model_name="person",
            name="id_number",
            field=core.fields.EncryptedCharField(
                blank=True, default=None, max_length=18, null=True, verbose_name="ID number"
            ),
        ),
        migrations.AlterField(
            model_name="person",
            name="phone",
            field=core.fields.EncryptedCharField(
                blank=True, default="", max_length=24, verbose_name="phone"
            ),
        ),
        migrations.RunPython(encrypt, decrypt, elidable=False),
        migrations.AlterField(
            model_name="person",
            name="id_number_hash",
            field=core.fields.BlindIndexField(
                default=None, null=True, purpose="id_number", source="id_number", unique=True
            ),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["phone_hash"], name="person_phone_hash"),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["phone_last4_hash"], name="person_phone_last4"),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["id_last4_hash"], name="person_id_last4"),
        ),
    ]
