"""A risk flag for every questionnaire risk alert still open when the safety app arrives.

From now on flags replace the alerts on the card and the home page, so an alert nobody had
acknowledged yet must not drop out of sight. Acknowledging the flag acknowledges the alert.
Running it again makes nothing new (one flag per alert).
"""

from decimal import Decimal
from typing import Any

from django.db import migrations


def _title(instrument: str) -> str:
    try:
        from frame.measures import definitions

        return str(definitions.get(instrument).short_title)
    except Exception:  # an instrument Frame no longer ships: its id still says what it was
        return instrument.upper()


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f")


def flags_for_open_alerts(apps: Any, schema_editor: Any) -> None:
    RiskAlert = apps.get_model("measures", "RiskAlert")
    RiskFlag = apps.get_model("safety", "RiskFlag")
    flagged = set(
        RiskFlag.objects.filter(source_type="measures.riskalert").values_list(
            "source_id", flat=True
        )
    )
    for alert in (
        RiskAlert.objects.filter(acknowledged_at__isnull=True)
        .select_related("administration")
        .order_by("raised_at")
        .iterator()
    ):
        if alert.pk in flagged:
            continue
        administration = alert.administration
        RiskFlag.objects.create(
            client_id=alert.client_id,
            source="measure",
            source_type="measures.riskalert",
            source_id=alert.pk,
            summary=(
                f"{_title(administration.instrument)} item {alert.item} "
                f"answered {_number(alert.value)}"
            )[:200],
            raised_at=alert.raised_at,
            raised_by_id=administration.recorded_by_id,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("safety", "0001_initial"),
        ("measures", "0001_initial"),
    ]

    operations = [migrations.RunPython(flags_for_open_alerts, migrations.RunPython.noop)]
