# The queue index gains the office column (see WorkOrder.Meta): measured by `make bench` on 1,000,000 orders,
# the dispatcher's scoped queue page and count stop depending on the size of the area's backlog.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('workorders', '0001_initial'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='workorder',
            name='wo_queue_idx',
        ),
        migrations.AddIndex(
            model_name='workorder',
            index=models.Index(fields=['area', 'status', 'office', 'created_at'], name='wo_queue_idx'),
        ),
    ]
