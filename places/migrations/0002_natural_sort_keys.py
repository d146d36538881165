# Natural order of places and rooms (issue 15, item 16): the columns, their values for the rows
# that exist (in batches), then the indexes lists order by.

from django.db import migrations, models

# Rows updated per statement: a city has ~4 million households.
BATCH = 50_000


def _keys_table(cursor, values) -> None:
    """A temporary table of each distinct name or room and its natural key: rooms and building
    names repeat a lot (1单元101, 3栋), so each key is computed once."""
    from core.sorting import natural_key

    cursor.execute(
        "CREATE TEMPORARY TABLE natural_keys (value varchar(255) PRIMARY KEY, "
        "sort_key varchar(255) NOT NULL)"
    )
    rows = [(v, natural_key(v)) for v in values]
    for start in range(0, len(rows), BATCH):
        cursor.executemany(
            "INSERT INTO natural_keys (value, sort_key) VALUES (%s, %s)",
            rows[start : start + BATCH],
        )


def fill_places(apps, schema_editor) -> None:
    """Top down, one level at a time: a place's sort path is its parent's and its own key."""
    from core.sorting import SEGMENT_LENGTH, SEPARATOR

    Place = apps.get_model("places", "Place")
    connection = schema_editor.connection
    values = Place.objects.order_by().values_list("name", flat=True).distinct()
    depths = Place.objects.order_by().values_list("depth", flat=True).distinct()
    own = f"substr((SELECT k.sort_key FROM natural_keys k WHERE k.value = p.name), 1, {SEGMENT_LENGTH})"  # nosec B608: a constant length; values are parameters
    with connection.cursor() as cursor:
        _keys_table(cursor, list(values))
        for depth in sorted(depths):
            cursor.execute(
                "UPDATE places_place SET sort_path = ("  # nosec B608: a constant length; values are parameters
                "SELECT COALESCE((SELECT parent.sort_path FROM places_place parent "
                f"WHERE parent.id = p.parent_id), '') || {own} || %s "
                "FROM places_place p WHERE p.id = places_place.id) WHERE depth = %s",
                [SEPARATOR, depth],
            )
        cursor.execute("DROP TABLE natural_keys")


def fill_households(apps, schema_editor) -> None:
    Household = apps.get_model("places", "Household")
    connection = schema_editor.connection
    values = Household.objects.order_by().values_list("room", flat=True).distinct()
    bounds = Household.objects.aggregate(low=models.Min("pk"), high=models.Max("pk"))
    with connection.cursor() as cursor:
        _keys_table(cursor, list(values.iterator(chunk_size=BATCH)))
        if bounds["low"] is not None:
            for low in range(bounds["low"], bounds["high"] + 1, BATCH):
                cursor.execute(
                    "UPDATE places_household SET room_sort_key = (SELECT k.sort_key "
                    "FROM natural_keys k WHERE k.value = places_household.room) "
                    "WHERE id >= %s AND id < %s",
                    [low, low + BATCH],
                )
        cursor.execute("DROP TABLE natural_keys")


class Migration(migrations.Migration):
    dependencies = [
        ("places", "0001_initial"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="household",
            options={
                "ordering": ["building_id", "room_sort_key", "pk"],
                "verbose_name": "household",
                "verbose_name_plural": "households",
            },
        ),
        migrations.AlterModelOptions(
            name="place",
            options={
                "ordering": ["sort_path", "pk"],
                "verbose_name": "place",
                "verbose_name_plural": "places",
            },
        ),
        migrations.AddField(
            model_name="household",
            name="room_sort_key",
            field=models.CharField(default="", editable=False, max_length=255),
        ),
        migrations.AddField(
            model_name="place",
            name="sort_path",
            field=models.CharField(default="", editable=False, max_length=400),
        ),
        migrations.RunPython(fill_places, migrations.RunPython.noop),
        migrations.RunPython(fill_households, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="household",
            index=models.Index(fields=["building", "room_sort_key"], name="household_room_sort"),
        ),
        migrations.AddIndex(
            model_name="place",
            index=models.Index(fields=["parent", "sort_path"], name="place_parent_sort"),
        ),
        migrations.AddIndex(
            model_name="place",
            index=models.Index(fields=["kind", "sort_path"], name="place_kind_sort"),
        ),
    ]
