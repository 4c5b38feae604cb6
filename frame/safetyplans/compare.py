"""What changed between a version of a safety plan and the one before it."""

from __future__ import annotations

from dataclasses import dataclass

from frame.safetyplans.models import SECTIONS, PlanContact, SafetyPlanVersion, Section


@dataclass(frozen=True)
class SectionChange:
    section: Section
    before: str
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


@dataclass(frozen=True)
class Comparison:
    previous: SafetyPlanVersion | None
    sections: list[SectionChange]
    contacts_added: list[PlanContact]
    contacts_removed: list[PlanContact]

    @property
    def changed_count(self) -> int:
        return sum(1 for change in self.sections if change.changed)


def compare_versions(version: SafetyPlanVersion) -> Comparison:
    """This version against the one numbered just before it (one query)."""
    previous = (
        SafetyPlanVersion.objects.filter(plan_id=version.plan_id, number__lt=version.number)
        .order_by("-number")
        .first()
    )
    before = previous.sections if previous else {}
    after = version.sections
    old_contacts = previous.contact_list if previous else []
    new_contacts = version.contact_list
    return Comparison(
        previous=previous,
        sections=[
            SectionChange(section, before.get(section.key, ""), after.get(section.key, ""))
            for section in SECTIONS
        ],
        contacts_added=[c for c in new_contacts if c not in old_contacts],
        contacts_removed=[c for c in old_contacts if c not in new_contacts],
    )
