from django.db import migrations, models


def create_text_index(apps, schema_editor):
    from bali.search.backends import get_backend

    get_backend(schema_editor.connection).create_schema()


def drop_text_index(apps, schema_editor):
    from bali.search.backends import get_backend

    get_backend(schema_editor.connection).drop_schema()


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("activities", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="IndexChange",
            fields=[
                ("seq", models.BigAutoField(primary_key=True, serialize=False)),
                ("activity_id", models.BigIntegerField()),
                ("token", models.BigIntegerField()),
            ],
            options={"verbose_name": "search index change"},
        ),
        migrations.CreateModel(
            name="IndexState",
            fields=[
                ("key", models.CharField(max_length=40, primary_key=True, serialize=False)),
                ("value", models.CharField(max_length=100)),
            ],
            options={"verbose_name": "search index state"},
        ),
        migrations.RunPython(create_text_index, drop_text_index),
    ]
