"""Values for the project-wide URL sweeps (test_url_sweep.py and test_security_headers.py).

Each call returns the same record, so a sweep asking once per route builds only one of each.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from frame.supervision import actions, packs
from frame.supervision.models import CaseAction, Pack, Supervision


def sweep_supervision(practitioner: Any) -> Supervision:
    found = Supervision.objects.filter(practitioner=practitioner).first()
    if found is not None:
        return found
    return actions.record_supervision(
        by=practitioner,
        held_on=timezone.localdate() - dt.timedelta(days=2),
        minutes=60,
        kind="individual",
        supervisor_name="Sweep Supervisor",
    )


def sweep_action(client: Any, practitioner: Any) -> CaseAction:
    found = CaseAction.objects.filter(client=client, practitioner=practitioner).first()
    if found is not None:
        return found
    actions.add_case(
        supervision=sweep_supervision(practitioner),
        by=practitioner,
        client=client,
        discussed="Sweep discussion",
        actions=["Sweep action"],
    )
    return CaseAction.objects.get(client=client, practitioner=practitioner)


def sweep_pack(client: Any, practitioner: Any) -> Pack:
    found = Pack.objects.filter(practitioner=practitioner).first()
    if found is not None:
        return found
    return actions.build_pack(
        by=practitioner, chosen=packs.Chosen(client_ids=[client.pk], event_ids=[], genders={})
    )
