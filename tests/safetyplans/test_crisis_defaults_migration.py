"""Practices made before Childline and Papyrus joined the UK defaults get them once, at the end
of their list, unless they already list the number."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps

from frame.portal.models import CrisisContact

pytestmark = pytest.mark.django_db

migration = importlib.import_module("frame.safetyplans.migrations.0002_childline_and_papyrus")


def test_older_practices_gain_the_two_services_once(practice: Any, other_practice: Any) -> None:
    CrisisContact.objects.filter(
        practice=practice, name__in=["Childline", "Papyrus HOPELINE247"]
    ).delete()
    CrisisContact.objects.filter(practice=other_practice, name="Papyrus HOPELINE247").delete()
    CrisisContact.objects.filter(practice=other_practice, name="Childline").update(
        name="Childline (under 19s)"
    )
    migration.add_contacts(apps, None)
    migration.add_contacts(apps, None)  # running twice adds nothing more
    ours = list(CrisisContact.objects.filter(practice=practice))
    assert [c.name for c in ours][-2:] == ["Childline", "Papyrus HOPELINE247"]
    assert len(ours) == 6
    theirs = [c.name for c in CrisisContact.objects.filter(practice=other_practice)]
    assert theirs.count("Childline (under 19s)") == 1 and "Childline" not in theirs
    assert theirs[-1] == "Papyrus HOPELINE247"
