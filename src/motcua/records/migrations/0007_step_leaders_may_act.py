"""A record step carries its template step's ``leaders_may_act`` (off by default: steps started
before keep the strict role rule)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('records', '0006_fewer_write_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='recordstep',
            name='leaders_may_act',
            field=models.BooleanField(default=False, verbose_name='leaders may act'),
        ),
    ]
