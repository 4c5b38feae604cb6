"""The audit trail: append-only, hash-chained, with no foreign keys.

Rows survive the deletion of anything they describe. Each row's hash covers the previous row's hash
and this row's canonical content, so an edit, a deletion or a missing tail is detectable by
`frame audit verify`. Database triggers refuse UPDATE and DELETE. No clinical text ever goes here.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import models

GENESIS_HASH = "0" * 64


class Action(models.TextChoices):
    # Authentication and sessions
    LOGIN = "auth.login", "Signed in"
    LOGIN_FAILED = "auth.login_failed", "Sign-in failed"
    LOGOUT = "auth.logout", "Signed out"
    MFA_ADDED = "auth.mfa_added", "Two-step method added"
    MFA_REMOVED = "auth.mfa_removed", "Two-step method removed"
    MFA_USED = "auth.mfa_used", "Two-step check passed"
    MFA_FAILED = "auth.mfa_failed", "Two-step check failed"
    PASSWORD_CHANGED = "auth.password_changed", "Password changed"
    PASSWORD_RESET = "auth.password_reset", "Password reset"
    SESSION_ENDED = "auth.session_ended", "Session ended"
    # Practice and people
    PRACTICE_CREATED = "practice.created", "Practice created"
    INVITATION_SENT = "practice.invitation_sent", "Invitation sent"
    INVITATION_ACCEPTED = "practice.invitation_accepted", "Invitation accepted"
    INVITATION_REVOKED = "practice.invitation_revoked", "Invitation withdrawn"
    ROLE_CHANGED = "practice.role_changed", "Role changed"
    MEMBER_DEACTIVATED = "practice.member_deactivated", "Member deactivated"
    # Clients
    CLIENT_CREATED = "client.created", "Client record created"
    CLIENT_VIEWED = "client.viewed", "Client record viewed"
    CLIENT_UPDATED = "client.updated", "Client record updated"
    CLIENT_STATUS_CHANGED = "client.status_changed", "Client status changed"
    CARE_TEAM_CHANGED = "client.care_team_changed", "Care team changed"
    PERSON_ADDED = "client.person_added", "Person in client's life added"
    PERSON_UPDATED = "client.person_updated", "Person in client's life updated"
    PERSON_REMOVED = "client.person_removed", "Person in client's life removed"
    CLIENT_LIST_SEARCHED = "client.searched", "Client list searched"
    # Contracts and the frame
    CONTRACT_TEMPLATE_CREATED = "contract.template_created", "Contract template created"
    CONTRACT_TEMPLATE_VERSIONED = "contract.template_versioned", "Contract template edited"
    PRACTICE_TERMS_CHANGED = "contract.practice_terms_changed", "Practice contract terms changed"
    CLIENT_TERMS_CHANGED = "contract.client_terms_changed", "Client's contract terms changed"
    CONTRACT_VIEWED = "contract.viewed", "Contract viewed"
    CONTRACT_DOWNLOADED = "contract.downloaded", "Contract copy downloaded"
    CONTRACT_AGREED = "contract.agreed", "Contract agreed"
    CONTRACT_AGREEMENT_REFUSED = "contract.agreement_refused", "Outdated contract agreement refused"
    CHANCE_ENCOUNTER_SET = "contract.chance_encounter_set", "Chance-encounter preference recorded"
    COMMUNICATION_CHANGED = "contract.communication_changed", "Communication preferences changed"
    # Client portal
    PORTAL_INVITED = "portal.invited", "Portal invitation sent"
    PORTAL_INVITATION_WITHDRAWN = "portal.invitation_withdrawn", "Portal invitation withdrawn"
    PORTAL_JOINED = "portal.joined", "Portal account created"
    PORTAL_LINK_REQUESTED = "portal.link_requested", "New portal link asked for"
    PORTAL_SUSPENDED = "portal.suspended", "Portal access suspended"
    PORTAL_RESTORED = "portal.restored", "Portal access restored"
    PORTAL_SETTINGS_CHANGED = "portal.settings_changed", "Portal settings changed"
    CRISIS_CONTACTS_CHANGED = "portal.crisis_contacts_changed", "Crisis contacts changed"
    ARTICLE_CREATED = "portal.article_created", "Article added to the library"
    ARTICLE_EDITED = "portal.article_edited", "Article edited"
    ARTICLE_SHARED = "portal.article_shared", "Article shared with a client"
    ARTICLE_WITHDRAWN = "portal.article_withdrawn", "Shared article withdrawn"
    ARTICLE_READ = "portal.article_read", "Shared article opened by the client"
    # Scheduling and the rhythm of the work
    SLOT_CREATED = "scheduling.slot_created", "Regular slot set up"
    SLOT_CHANGED = "scheduling.slot_changed", "Regular slot changed from a date on"
    SLOT_ENDED = "scheduling.slot_ended", "Regular slot ended"
    SLOT_EXTENDED = "scheduling.slot_extended", "Regular slot's sessions added further ahead"
    APPOINTMENT_BOOKED = "scheduling.appointment_booked", "Appointment booked"
    APPOINTMENT_VIEWED = "scheduling.appointment_viewed", "Appointment viewed"
    APPOINTMENT_MOVED = "scheduling.appointment_moved", "Appointment moved or changed"
    ATTENDANCE_RECORDED = "scheduling.attendance_recorded", "Attendance recorded"
    BREAK_PLANNED = "scheduling.break_planned", "Planned break added"
    BREAK_WITHDRAWN = "scheduling.break_withdrawn", "Planned break withdrawn"
    REMINDER_SENT = "scheduling.reminder_sent", "Appointment reminder sent"
    REMINDER_FAILED = "scheduling.reminder_failed", "Appointment reminder could not be sent"
    REMINDER_SETTINGS_CHANGED = "scheduling.reminder_settings_changed", "Reminder settings changed"
    CALENDAR_FEED_CREATED = "scheduling.feed_created", "Calendar feed link created"
    CALENDAR_FEED_REVOKED = "scheduling.feed_revoked", "Calendar feed link revoked"
    CALENDAR_DOWNLOADED = "scheduling.calendar_downloaded", "Calendar file downloaded"
    TASK_FAILED = "system.task_failed", "Background task failed"
    # Boundaries and dual relationships
    BOUNDARIES_VIEWED = "boundaries.viewed", "Boundary log or dual-relationship check viewed"
    BOUNDARY_EVENT_RECORDED = "boundaries.event_recorded", "Boundary event recorded"
    BOUNDARY_EVENT_UPDATED = "boundaries.event_updated", "Boundary event updated"
    BOUNDARY_EVENT_IN_ERROR = "boundaries.event_in_error", "Boundary event marked recorded in error"
    CIRCLE_ENTRY_ADDED = "boundaries.circle_added", "Declared circle: entry added"
    CIRCLE_ENTRY_UPDATED = "boundaries.circle_updated", "Declared circle: entry updated"
    CIRCLE_ENTRY_REMOVED = "boundaries.circle_removed", "Declared circle: entry removed"
    DUAL_CHECK_RUN = "boundaries.check_run", "Dual-relationship check run"
    DUAL_CHECK_DECIDED = "boundaries.check_decided", "Dual-relationship decision recorded"
    # Outcome measures
    MEASURE_WORDING_IMPORTED = (
        "measures.wording_imported",
        "Licensed questionnaire wording imported",
    )
    MEASURE_RECORDED = "measures.recorded", "Questionnaire answers recorded"
    MEASURES_VIEWED = "measures.viewed", "Questionnaire results viewed"
    RISK_ALERT_RAISED = "measures.risk_alert_raised", "Risk item alert raised"
    RISK_ALERT_ACKNOWLEDGED = "measures.risk_alert_acknowledged", "Risk item alert acknowledged"
    # Outcome measures: sent to the portal, scheduled, progress charts shared
    MEASURE_REQUESTED = "measures.requested", "Questionnaire sent to the client's portal"
    MEASURE_REQUEST_WITHDRAWN = "measures.request_withdrawn", "Questionnaire request withdrawn"
    MEASURE_PROGRESS_SAVED = "measures.progress_saved", "Questionnaire answers saved part-way"
    MEASURE_SCHEDULE_ADDED = "measures.schedule_added", "Questionnaire schedule added"
    MEASURE_SCHEDULE_ENDED = "measures.schedule_ended", "Questionnaire schedule ended"
    MEASURE_CHART_SHARED = "measures.chart_shared", "Progress chart shared with the client"
    MEASURE_CHART_WITHDRAWN = "measures.chart_withdrawn", "Shared progress chart withdrawn"
    # Session notes, process notes and goals
    NOTE_TEMPLATE_CHANGED = "notes.template_changed", "Session note headings changed"
    NOTE_VIEWED = "notes.viewed", "Session notes viewed"
    NOTE_DRAFT_SAVED = "notes.draft_saved", "Session note draft saved"
    NOTE_DRAFT_KEPT = "notes.draft_kept", "Session note text kept after the session ended"
    NOTE_SIGNED = "notes.signed", "Session note signed"
    NOTE_CHANGE_REFUSED = "notes.change_refused", "Change to a signed session note refused"
    NOTE_ADDENDUM_ADDED = "notes.addendum_added", "Addendum added to a session note"
    PROCESS_NOTE_VIEWED = "notes.process_viewed", "Process notes viewed"
    PROCESS_NOTE_SAVED = "notes.process_saved", "Process note saved"
    GOAL_ADDED = "notes.goal_added", "Goal added"
    GOAL_RATED = "notes.goal_rated", "Goal rated"
    GOAL_CLOSED = "notes.goal_closed", "Goal closed"
    # Safety plans, suggestions from the client, crisis lines and the messages statement
    SAFETY_PLAN_VIEWED = "safetyplans.viewed", "Safety plan viewed"
    SAFETY_PLAN_SAVED = "safetyplans.saved", "Safety plan saved (new version)"
    SAFETY_PLAN_DOWNLOADED = "safetyplans.downloaded", "Safety plan downloaded (PDF or contacts)"
    SAFETY_PLAN_SUGGESTED = "safetyplans.suggested", "Change to a safety plan suggested by client"
    SAFETY_PLAN_SUGGESTION_DECIDED = (
        "safetyplans.suggestion_decided",
        "Suggested change to a safety plan accepted or declined",
    )
    CRISIS_NATION_SET = "safetyplans.crisis_nation_set", "Nation for a client's crisis lines set"
    MESSAGES_STATEMENT_CHANGED = (
        "safetyplans.messages_statement_changed",
        "Statement of when messages are read changed",
    )
    # Reflective journal and CPD record (development)
    JOURNAL_VIEWED = "development.journal_viewed", "Reflective journal entry viewed"
    JOURNAL_ENTRY_SAVED = "development.journal_saved", "Reflective journal entry saved"
    JOURNAL_SAR_LIST_VIEWED = (
        "development.journal_sar_viewed",
        "Journal entries tagged with a client listed for a subject access review",
    )
    CPD_RECORDED = "development.cpd_recorded", "CPD activity recorded"
    CPD_UPDATED = "development.cpd_updated", "CPD activity edited"
    CPD_YEAR_START_SET = "development.cpd_year_set", "CPD year start changed"
    CPD_EXPORTED = "development.cpd_exported", "CPD record exported (PDF or CSV)"
    # Confidentiality register
    REGISTER_VIEWED = "confidentiality.viewed", "Confidentiality register viewed"
    REGISTER_ENTRY_VIEWED = "confidentiality.entry_viewed", "Confidentiality register entry viewed"
    REGISTER_ENTRY_RECORDED = (
        "confidentiality.entry_recorded",
        "Decision about sharing without consent recorded in the confidentiality register",
    )
    REGISTER_ENTRY_CORRECTED = (
        "confidentiality.entry_corrected",
        "Confidentiality register entry corrected by a new, linked entry",
    )
    REGISTER_FOLLOW_UP_ADDED = (
        "confidentiality.follow_up_added",
        "Follow-up added to a confidentiality register entry",
    )
    # Safety: risk flags and risk assessments
    RISK_FLAG_RAISED = "safety.flag_raised", "Risk flag raised"
    RISK_FLAG_ACKNOWLEDGED = "safety.flag_acknowledged", "Risk flag acknowledged"
    RISK_FLAG_SUPERVISION_CHANGED = "safety.flag_supervision", "Risk flag supervision marks changed"
    RISK_FLAG_REMINDER_SENT = "safety.flag_reminder_sent", "Open risk flag reminder emailed"
    RISK_ASSESSMENT_SAVED = "safety.assessment_saved", "Risk assessment saved (new version)"
    SAFETY_VIEWED = "safety.viewed", "Risk flags or assessments viewed"
    SAFETY_SETTINGS_CHANGED = "safety.settings_changed", "Safety settings changed"
    # The "before we meet" brief
    BRIEF_VIEWED = "brief.viewed", "Before-we-meet brief viewed"
    BRIEF_DOWNLOADED = "brief.downloaded", "Before-we-meet brief downloaded as a PDF"
    # Service outcomes and FHIR export
    OUTCOMES_REPORT_VIEWED = "outcomes.report_viewed", "Service outcomes report viewed"
    OUTCOMES_REPORT_EXPORTED = "outcomes.report_exported", "Service outcomes report downloaded"
    OUTCOMES_CLIENT_VIEWED = "outcomes.client_viewed", "Client's episode outcome viewed"
    FHIR_EXPORTED = "outcomes.fhir_exported", "Client's questionnaires exported as FHIR"
    # Supervision log, cases discussed, preparation packs and supervisor access (supervision)
    SUPERVISION_VIEWED = "supervision.viewed", "Supervision log or entry viewed"
    SUPERVISION_RECORDED = "supervision.recorded", "Supervision recorded"
    SUPERVISION_CASE_RECORDED = "supervision.case_recorded", "Case discussed in supervision noted"
    SUPERVISION_ACTION_DONE = "supervision.action_done", "Action from supervision marked done"
    SUPERVISION_REQUIREMENT_CHANGED = (
        "supervision.requirement_changed",
        "Supervision requirement changed",
    )
    SUPERVISION_BREAK_RECORDED = "supervision.break_recorded", "Break month documented"
    SUPERVISION_RECORD_EXPORTED = "supervision.exported", "Supervision record exported (PDF or CSV)"
    SUPERVISION_PACK_BUILT = "supervision.pack_built", "Supervision preparation pack built"
    SUPERVISION_PACK_VIEWED = "supervision.pack_viewed", "Supervision preparation pack viewed"
    SUPERVISION_PACK_DOWNLOADED = "supervision.pack_downloaded", "Supervision pack downloaded"
    SUPERVISION_PACK_SHARED = "supervision.pack_shared", "Supervision pack shared with a supervisor"
    SUPERVISION_SHARE_WITHDRAWN = "supervision.share_withdrawn", "Supervision pack share withdrawn"
    SUPERVISION_SHARED_PACK_VIEWED = (
        "supervision.shared_viewed",
        "Shared supervision pack viewed by a supervisor",
    )
    SUPERVISION_IN_ERROR = "supervision.in_error", "Supervision entry marked recorded in error"
    SUPERVISOR_NOTE_ADDED = "supervision.supervisor_note_added", "Supervisor's own note added"
    # Endings, retention start dates and note search
    PLANNED_ENDING_SET = "endings.planned_set", "Planned ending set or changed"
    PLANNED_ENDING_CHANGE_REFUSED = (
        "endings.planned_change_refused",
        "Change to a planned ending refused (changed meanwhile)",
    )
    ENDING_RECORDED = "endings.recorded", "Ending recorded"
    ENDING_REVIEW_SAVED = "endings.review_saved", "Ending review saved"
    ENDING_LETTER_SAVED = "endings.letter_saved", "Ending letter saved"
    ENDING_LETTER_DOWNLOADED = "endings.letter_downloaded", "Ending letter downloaded as a PDF"
    ENDING_VIEWED = "endings.viewed", "Ending, review or letter viewed"
    RETENTION_POLICY_CHANGED = "endings.retention_changed", "Records-retention periods changed"
    NOTES_SEARCHED = "notes.searched", "Own session notes searched"
    NOTE_SEARCH_REBUILT = "notes.search_rebuilt", "Note search index rebuilt"
    # Audit and keys
    AUDIT_VIEWED = "audit.viewed", "Audit report viewed"
    AUDIT_VERIFIED = "audit.verified", "Audit chain verified"
    KEYS_ROTATED = "keys.rotated", "Encryption keys rotated"
    DATA_SEEDED = "system.seeded", "Synthetic data loaded"
    ACCESS_DENIED = "access.denied", "Access refused"


class AuditEvent(models.Model):
    seq = models.BigIntegerField(primary_key=True)
    occurred_at = models.DateTimeField()
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_role = models.CharField(max_length=32, blank=True)
    practice_id = models.BigIntegerField(null=True, blank=True)
    # No `choices` here: the list grows with every capability, and choices in the schema would force
    # an audit migration (and a merge conflict) each time. `record` refuses unknown actions instead.
    action = models.CharField(max_length=64)
    outcome = models.CharField(max_length=16, default="ok")
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    client_id = models.CharField(max_length=64, blank=True)
    request_id = models.CharField(max_length=32, blank=True)
    source_ip = models.CharField(max_length=64, blank=True)
    # Names of things, never their contents: e.g. which fields changed, a status before and after.
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["client_id", "seq"], name="audit_client_idx"),
            models.Index(fields=["actor_id", "seq"], name="audit_actor_idx"),
            models.Index(fields=["practice_id", "seq"], name="audit_practice_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    def get_action_display(self) -> str:
        try:
            return str(Action(self.action).label)
        except ValueError:  # an action retired since this row was written
            return self.action

    def canonical(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "occurred_at": self.occurred_at.isoformat(),
            "actor_id": self.actor_id,
            "actor_role": self.actor_role,
            "practice_id": self.practice_id,
            "action": self.action,
            "outcome": self.outcome,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "client_id": self.client_id,
            "request_id": self.request_id,
            "source_ip": self.source_ip,
            "detail": self.detail,
        }

    def compute_hash(self) -> str:
        content = json.dumps(
            self.canonical(), sort_keys=True, separators=(",", ":"), ensure_ascii=True
        )
        return hashlib.sha256((self.prev_hash + content).encode()).hexdigest()
