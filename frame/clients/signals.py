"""What the clients app tells other apps after a change, so they can react without it importing
them (the dual-relationship check listens here).

`client_details_changed` is sent inside the action's transaction, after the change and its audit
event, with `client=`, `by=` (who changed it), `change=` (one of CHANGES) and `fields=` (the names
of the fields that changed, empty when not a field edit). A receiver that fails undoes the change
with it, so receivers must only do work that belongs with the change.
"""

from __future__ import annotations

from django.dispatch import Signal

CHANGES = frozenset({"created", "details", "people", "care_team"})

client_details_changed = Signal()

# Sent inside the transaction that records a sign of risk, so the safety app can raise a risk flag
# that is kept or lost together with it. Arguments: `client=`, `by=` (who recorded it), `source=`
# (one of RISK_SOURCES), `record=` (the model instance that shows the risk: a measures RiskAlert or
# a signed notes SessionNote) and `detail=` (names and numbers only, never clinical text).
RISK_SOURCES = frozenset({"measure", "note"})

risk_indicated = Signal()

# Sent inside the transaction that acknowledges a sign of risk outside the safety app (the
# questionnaires page's own "acknowledge the alert"), so the matching risk flag closes with it.
# Arguments: `client=`, `by=`, `record=` (the acknowledged record) and `note=` (what was done).
risk_acknowledged = Signal()
