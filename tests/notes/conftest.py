from __future__ import annotations

from typing import Any

import pytest

from frame.scheduling.models import Appointment
from tests.scheduling.sweep import sweep_appointment


@pytest.fixture
def appointment(client_record: Any, practitioner: Any) -> Appointment:
    return sweep_appointment(client_record, practitioner)
