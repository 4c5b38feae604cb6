"""Make the search-key columns compare byte by byte on PostgreSQL, as SQLite always does.

Client search is a range over an index: names starting with "mor" are those >= "mor" and < "mos".
That only holds when the column compares strings by code point. A linguistic collation (such as
en_GB.UTF-8) ignores spaces and punctuation at first, so "o brien" and "obrien" would interleave
and a range could miss or add names. The keys are already lower-case and accent-free, so byte
order is also the right order for sorting them.

If a later migration alters one of these columns, it must keep COLLATE "C" (db_collation cannot be
set on the field itself because SQLite has no collation of that name).
"""

from django.db import migrations

KEY_COLUMNS = {"sort_key": 210, "given_key": 100, "preferred_key": 100}


def _set_collation(schema_editor, collation: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for column, length in KEY_COLUMNS.items():
        schema_editor.execute(
            f'ALTER TABLE "clients_client" ALTER COLUMN "{column}" '
            f'TYPE varchar({length}) COLLATE "{collation}"'
        )


def byte_order(apps, schema_editor):
    _set_collation(schema_editor, "C")


def default_order(apps, schema_editor):
    _set_collation(schema_editor, "default")


class Migration(migrations.Migration):
    dependencies = [("clients", "0001_initial")]

    operations = [migrations.RunPython(byte_order, default_order, elidable=False)]
