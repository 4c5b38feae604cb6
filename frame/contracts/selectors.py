"""What other parts of Frame read about a client's contract and preferences.

These functions do not check access: callers pass a client they have already fetched through
`frame.clients.access` (or the portal's own access), and each issues a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from frame.clients.models import CareTeamMember, Client
from frame.contracts import compare, document
from frame.contracts.models import (
    Agreement,
    CalendarTitle,
    ChanceEncounterPreference,
    ClientContract,
    CommunicationPreferences,
    ContractTemplate,
    EncounterChoice,
    PracticeTerms,
    ReminderChannel,
    TemplateVersion,
)
from frame.contracts.placeholders import Parties
from frame.contracts.terms import DEFAULT_TERMS, ContactChannel, Terms, terms_from_dict

# --- Terms ------------------------------------------------------------------------------------


def practice_terms(practice_id: int) -> Terms:
    """The practice's default terms (Frame's defaults until the owner sets their own)."""
    values = (
        PracticeTerms.objects.filter(practice_id=practice_id)
        .values_list("values", flat=True)
        .first()
    )
    return terms_from_dict(values or {})


def client_overrides(client: Client) -> dict[str, Any]:
    overrides = (
        ClientContract.objects.filter(client=client).values_list("overrides", flat=True).first()
    )
    return dict(overrides or {})


def proposed_terms_for(client: Client) -> Terms:
    """The practice's defaults with this client's own terms applied: what they would agree now."""
    return terms_from_dict(client_overrides(client), base=practice_terms(client.practice_id))


def latest_agreement(client: Client) -> Agreement | None:
    return (
        Agreement.objects.filter(client=client)
        .select_related("version__template", "recorded_by")
        .order_by("-recorded_at", "-id")
        .first()
    )


def terms_for(client: Client) -> Terms:
    """The terms in force for `client`: those of their newest agreement, or, before anything
    has been agreed, the practice's defaults with the client's overrides."""
    agreed = (
        Agreement.objects.filter(client=client)
        .order_by("-recorded_at", "-id")
        .values_list("terms", flat=True)
        .first()
    )
    if agreed is not None:
        return terms_from_dict(agreed)
    return proposed_terms_for(client)


# --- The contract as it stands now ---------------------------------------------------------------


@dataclass(frozen=True)
class CurrentContract:
    """The contract `client` would agree today: the newest version of their template, filled in
    with their proposed terms."""

    template: ContractTemplate
    version: TemplateVersion
    terms: Terms
    document: document.Document


def default_template(practice_id: int) -> ContractTemplate | None:
    return ContractTemplate.objects.filter(practice_id=practice_id, is_default=True).first()


def latest_version(template: ContractTemplate) -> TemplateVersion | None:
    return (
        TemplateVersion.objects.filter(template=template)
        .select_related("created_by")
        .order_by("-number")
        .first()
    )


def chosen_template_id(client: Client) -> Any:
    """The template chosen for this client, or None when they follow the practice's default."""
    return (
        ClientContract.objects.filter(client=client).values_list("template_id", flat=True).first()
    )


def template_for(client: Client) -> ContractTemplate | None:
    settings_row = (
        ClientContract.objects.filter(client=client, template__isnull=False)
        .select_related("template")
        .first()
    )
    if settings_row is not None and settings_row.template is not None:
        return settings_row.template
    return default_template(client.practice_id)


def parties_for(client: Client) -> Parties:
    """The client, their first practitioner on the care team, and the practice."""
    first = (
        CareTeamMember.objects.filter(client=client)
        .select_related("user", "client__practice")
        .order_by("added_at", "id")
        .first()
    )
    practice_name = first.client.practice.name if first else client.practice.name
    practitioner = first.user if first else None
    return Parties(
        client_name=f"{client.given_name} {client.family_name}".strip(),
        practitioner_name=(practitioner.full_name or practitioner.email) if practitioner else "",
        practice_name=practice_name,
    )


def contract_for(client: Client) -> CurrentContract | None:
    """None only before the practice has any contract template (see actions.ensure_templates)."""
    template = template_for(client)
    if template is None:
        return None
    version = latest_version(template)
    if version is None:
        return None
    terms = proposed_terms_for(client)
    doc = document.build(
        template_name=template.name,
        version_number=version.number,
        clauses=list(version.clauses.all()),
        terms=terms,
        parties=parties_for(client),
    )
    return CurrentContract(template=template, version=version, terms=terms, document=doc)


@dataclass(frozen=True)
class AgreementStatus:
    """Where a client stands: their newest agreement, the contract now, and what has changed."""

    agreement: Agreement | None
    current: CurrentContract | None
    changes: tuple[compare.ClauseChange, ...]

    @property
    def agreed(self) -> bool:
        return self.agreement is not None

    @property
    def needs_reagreement(self) -> bool:
        """Something the client agreed to has changed since (wording or terms)."""
        return self.agreement is not None and bool(self.changes)


def agreement_status(client: Client) -> AgreementStatus:
    agreement = latest_agreement(client)
    current = contract_for(client)
    changes: tuple[compare.ClauseChange, ...] = ()
    if agreement is not None and current is not None:
        agreed_clauses = document.clauses_from_json(agreement.clauses)
        changes = tuple(
            compare.changed_only(compare.compare(agreed_clauses, current.document.clauses))
        )
    return AgreementStatus(agreement=agreement, current=current, changes=changes)


# --- Chance encounters ------------------------------------------------------------------------


@dataclass(frozen=True)
class EncounterPreference:
    """What the client would like if we meet by chance outside (for the card and the brief)."""

    choice: EncounterChoice
    note: str
    recorded_at: dt.datetime
    by_client: bool

    @property
    def label(self) -> str:
        return str(self.choice.label)


def chance_encounter_for(client: Client) -> EncounterPreference | None:
    """The client's current chance-encounter preference, or None if it has not been asked."""
    row = (
        ChanceEncounterPreference.objects.filter(client=client)
        .order_by("-recorded_at", "-id")
        .first()
    )
    if row is None:
        return None
    return EncounterPreference(
        choice=EncounterChoice(row.choice),
        note=row.note,
        recorded_at=row.recorded_at,
        by_client=row.by_client,
    )


# --- Communication ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ContactPolicy:
    """The agreed contact between sessions: which channels, for what, and how soon a reply."""

    channels: tuple[ContactChannel, ...]
    purposes: str
    response_time_working_days: int


@dataclass(frozen=True)
class Communication:
    """How Frame may remind and label things for a client (read by reminders and messaging)."""

    reminder_channel: ReminderChannel
    discreet_wording: bool
    calendar_title: CalendarTitle
    contact_policy: ContactPolicy

    @property
    def sends_reminders(self) -> bool:
        return self.reminder_channel != ReminderChannel.NONE


def calendar_title_text(client: Client, style: CalendarTitle) -> str:
    """The title an appointment shows in a calendar, as the client asked."""
    if style == CalendarTitle.CASE_CODE:
        return client.case_code
    if style == CalendarTitle.INITIALS:
        return "".join(part[:1].upper() for part in (client.given_name, client.family_name))
    return "Appointment"


def reminder_settings(client: Client) -> tuple[ReminderChannel, CalendarTitle]:
    """How reminders go and what calendars call appointments (defaults until someone chooses)."""
    row = CommunicationPreferences.objects.filter(client=client).first()
    if row is None:
        return ReminderChannel.EMAIL, CalendarTitle.CASE_CODE
    return ReminderChannel(row.reminder_channel), CalendarTitle(row.calendar_title)


def communication_preferences_for(client: Client) -> Communication:
    reminder_channel, calendar_title = reminder_settings(client)
    terms = terms_for(client)
    return Communication(
        reminder_channel=reminder_channel,
        discreet_wording=client.discreet_wording,
        calendar_title=calendar_title,
        contact_policy=ContactPolicy(
            channels=terms.contact_channels,
            purposes=terms.contact_purposes,
            response_time_working_days=terms.response_time_working_days,
        ),
    )


__all__ = [
    "DEFAULT_TERMS",
    "AgreementStatus",
    "Communication",
    "ContactPolicy",
    "CurrentContract",
    "EncounterPreference",
    "agreement_status",
    "calendar_title_text",
    "chance_encounter_for",
    "communication_preferences_for",
    "contract_for",
    "latest_agreement",
    "practice_terms",
    "proposed_terms_for",
    "terms_for",
]
