"""Indexes for the hotline's caller search, on PostgreSQL only.

Prefix search (phone, second phone, contact phone, account number, name) uses B-trees with varchar_pattern_ops,
which serve LIKE 'abc%' whatever the database collation; part of a name or an address uses pg_trgm GIN indexes,
which serve LIKE '%abc%'. Built CONCURRENTLY, so that a live table of a million customers keeps taking writes
while they build. Other databases (the embedded SQLite default) skip them: the state still records them, so
makemigrations stays quiet.
"""

import django.contrib.postgres.indexes
from django.contrib.postgres.operations import AddIndexConcurrently, TrigramExtension
from django.db import migrations, models


class PostgresAddIndex(AddIndexConcurrently):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('customers', '0001_initial'),
        ('org', '0001_initial'),
    ]

    operations = [
        TrigramExtension(),  # CREATE EXTENSION IF NOT EXISTS pg_trgm; does nothing on other databases
        PostgresAddIndex(
            model_name='contact',
            index=models.Index(fields=['phone'], name='contact_phone_prefix', opclasses=['varchar_pattern_ops']),
        ),
        PostgresAddIndex(
            model_name='customeraccount',
            index=models.Index(fields=['phone'], name='cust_phone_prefix', opclasses=['varchar_pattern_ops']),
        ),
        PostgresAddIndex(
            model_name='customeraccount',
            index=models.Index(fields=['phone_alt'], name='cust_phone_alt_prefix', opclasses=['varchar_pattern_ops']),
        ),
        PostgresAddIndex(
            model_name='customeraccount',
            index=models.Index(fields=['account_no'], name='cust_account_prefix', opclasses=['varchar_pattern_ops']),
        ),
        PostgresAddIndex(
            model_name='customeraccount',
            index=models.Index(fields=['name'], name='cust_name_prefix', opclasses=['varchar_pattern_ops']),
        ),
        PostgresAddIndex(
            model_name='customeraccount',
            index=django.contrib.postgres.indexes.GinIndex(fields=['name'], name='cust_name_trgm',
                                                           opclasses=['gin_trgm_ops']),
        ),
        PostgresAddIndex(
            model_name='premises',
            index=django.contrib.postgres.indexes.GinIndex(fields=['address'], name='premises_address_trgm',
                                                           opclasses=['gin_trgm_ops']),
        ),
    ]
