"""Values for the project-wide URL sweeps (test_url_sweep.py and test_security_headers.py)."""

from __future__ import annotations

from typing import Any

from frame.accounts.models import User
from frame.portal.models import PortalAccount
from frame.safetyplans import actions
from frame.safetyplans.models import SafetyPlanVersion, Suggestion
from frame.safetyplans.selectors import plan_for
from tests.portal.factories import portal_user_for
from tests.safetyplans.factories import plan_version


def sweep_plan_version(client: Any, practitioner: Any) -> SafetyPlanVersion:
    """The sweep's client's current plan version (written once)."""
    found = plan_for(client)
    if found is not None and found.current_version is not None:
        return found.current_version
    return plan_version(client, practitioner)


def sweep_suggestion(client: Any, practitioner: Any) -> Suggestion:
    sweep_plan_version(client, practitioner)
    found = Suggestion.objects.filter(plan__client=client).first()
    if found is not None:
        return found
    account = PortalAccount.objects.filter(client=client).select_related("user").first()
    user: User = account.user if account else portal_user_for(client, invited_by=practitioner)
    return actions.suggest_change(
        client=client, section="on_my_own", text="Sweep suggestion", by=user
    )
