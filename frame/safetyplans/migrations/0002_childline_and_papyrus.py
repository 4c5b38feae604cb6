"""Add Childline and Papyrus HOPELINE247 to the crisis contacts of practices that already had
Frame's first four UK defaults. New practices get all six from frame.portal.crisis.

The rows are frozen here (not imported), so this migration means the same thing forever. A
practice that already lists a service (matched by its number) is left as it is.
"""

from django.db import migrations

ADDED = (
    (
        "Childline",
        "Call 0800 1111",
        "For anyone under 19, about anything at all. Free, day or night.",
        "0800 1111",
    ),
    (
        "Papyrus HOPELINE247",
        "Call 0800 068 4141",
        "For anyone under 35 having thoughts of suicide, or anyone worried about a young person. "
        "Free, day or night.",
        "0800 068 4141",
    ),
)


def add_contacts(apps, schema_editor):
    CrisisContact = apps.get_model("portal", "CrisisContact")
    practice_ids = CrisisContact.objects.values_list("practice_id", flat=True).distinct()
    for practice_id in list(practice_ids):
        contacts = list(CrisisContact.objects.filter(practice_id=practice_id))
        position = max((c.position for c in contacts), default=0)
        for name, how, when, number in ADDED:
            if any(number in c.how_to_reach for c in contacts):
                continue
            position += 1
            CrisisContact.objects.create(
                practice_id=practice_id,
                position=position,
                name=name,
                how_to_reach=how,
                when_to_use=when,
                nations="",
            )


class Migration(migrations.Migration):
    dependencies = [("safetyplans", "0001_initial"), ("portal", "0002_practice_defaults")]

    operations = [migrations.RunPython(add_contacts, migrations.RunPython.noop)]
