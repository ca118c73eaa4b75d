"""A process step may let the head of its unit and the leaders of its agency act on it besides
the holders of its role (``ProcessStep.leaders_may_act``, off by default); the role's help text
says it is enforced."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('catalogue', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='processstep',
            name='leaders_may_act',
            field=models.BooleanField(default=False, help_text="Also let the head of the step's unit and the leaders of its agency claim, forward or complete this step.", verbose_name='leaders may act'),
        ),
        migrations.AlterField(
            model_name='processstep',
            name='role',
            field=models.CharField(choices=[('reception', 'Reception officer (one-stop desk)'), ('specialist', 'Specialist'), ('unit_head', 'Unit head'), ('agency_leader', 'Agency leader'), ('center_supervisor', 'Center supervisor'), ('system_admin', 'System administrator')], help_text="Only holders of this role in the step's unit can claim, forward or complete it.", max_length=30, verbose_name='role'),
        ),
    ]
