"""The client list: search, status filter and Previous/Next pages, at any size of practice.

Built on `access.clients_for`, so nobody sees a client the access rules would not show them.
Every query here is shaped so the database reads about one page of index entries and stops,
whether the practice has forty clients or fifty thousand:

- the list walks the (practice, sort_key, id) index in order — nothing sorts the caseload;
- a search is a prefix range (`>= "mor" AND < "mos"`) over SearchKey's (practice, key, client)
  index, never `LIKE '%mor%'`; the index returns matches already in order of the name that
  matched, so however many clients share a prefix, only a page of them is read;
- pages are keyset-based (after/before a client's id) and fetch one row more than they show to
  learn whether there is another page; nothing counts the caseload.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q, QuerySet

from frame.clients import lifecycle
from frame.clients.access import clients_for
from frame.clients.models import (
    KEY_LENGTH,
    CareTeamMember,
    Client,
    SearchKey,
    Status,
    search_key,
)

# The list's status filter: "" means everyone current (all but archived), "all" means everyone.
CURRENT = ""
EVERYONE = "all"
STATUS_FILTERS = (CURRENT, *lifecycle.STATUSES, EVERYONE)

MAX_QUERY_LENGTH = 100
# Up to this many clients, a practitioner's list starts from their care-team links (see _listed).
SMALL_CASELOAD = 500

LIST_FIELDS = ("id", "given_name", "family_name", "preferred_name", "case_code", "status")
STATUS_LABELS: dict[str, str] = dict(Status.choices)


@dataclass(frozen=True, slots=True)
class ClientRow:
    """One line of the client list: plain values, cheap to build and to render by the page-full.

    Only identity fields: the list is shared by everyone who may see a client at all.
    """

    id: uuid.UUID
    given_name: str
    family_name: str
    preferred_name: str
    case_code: str
    status: str
    match_kind: str = ""  # in a search: which form of the name matched (SearchKey.Kind)
    care_team: tuple[str, ...] = ()

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def listed_name(self) -> str:
        """The name as listed: in the order a search matched it, otherwise family name first."""
        if self.match_kind == SearchKey.Kind.GIVEN:
            return f"{self.given_name} {self.family_name}"
        if self.match_kind == SearchKey.Kind.PREFERRED:
            return f"{self.preferred_name} {self.family_name}"
        return f"{self.family_name}, {self.given_name}"

    @property
    def also_known_as(self) -> str:
        """The other name to show in brackets, so a client is recognisable either way."""
        if self.match_kind == SearchKey.Kind.PREFERRED:
            return self.given_name
        if self.preferred_name and self.preferred_name != self.given_name:
            return self.preferred_name
        return ""


@dataclass(frozen=True)
class ClientPage:
    clients: list[ClientRow]
    next_after: uuid.UUID | None  # pass as ?after= for the next page
    previous_before: uuid.UUID | None  # pass as ?before= for the previous page


def _just_after(prefix: str) -> str:
    """The smallest string that sorts after every string starting with `prefix`."""
    while prefix:
        last = ord(prefix[-1]) + 1
        if last == 0xD800:  # skip the surrogate block, which UTF-8 cannot encode
            last = 0xE000
        if last <= 0x10FFFF:
            return prefix[:-1] + chr(last)
        prefix = prefix[:-1]
    return "\U0010ffff"


def _with_status(queryset: QuerySet[Client], status: str) -> QuerySet[Client]:
    if status == CURRENT:
        # "not archived" rather than "status IN (...)": the database then reads the
        # (practice, sort_key) index in order instead of merging four ranges and sorting.
        return queryset.exclude(status=lifecycle.ARCHIVED)
    if status == EVERYONE:
        return queryset
    return queryset.filter(status=status)


def _parse_cursor(value: Any) -> uuid.UUID | None:
    if not value:
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


@dataclass(frozen=True)
class _Cursor:
    id: uuid.UUID
    backwards: bool


def _cursor(after: Any, before: Any) -> _Cursor | None:
    if (forward := _parse_cursor(after)) is not None:
        return _Cursor(forward, backwards=False)
    if (backward := _parse_cursor(before)) is not None:
        return _Cursor(backward, backwards=True)
    return None


def _after(key_field: str, id_field: str, key: str, pk: Any, *, backwards: bool) -> Q:
    """Rows after (key, pk) in (key, id) order — or before it, going backwards.

    Written as `key >= k AND (key > k OR id > pk)` so the first part is an index range.
    """
    if backwards:
        return Q(**{f"{key_field}__lte": key}) & (
            Q(**{f"{key_field}__lt": key}) | Q(**{f"{id_field}__lt": pk})
        )
    return Q(**{f"{key_field}__gte": key}) & (
        Q(**{f"{key_field}__gt": key}) | Q(**{f"{id_field}__gt": pk})
    )


def _fetch(
    queryset: QuerySet[Client], order: tuple[Any, ...], size: int, *, searching: bool = False
) -> list[ClientRow]:
    """One page (and one row more) as plain values, with each client's care team by name.

    Plain tuples rather than model instances: a page costs the same to build whether the
    search behind it matched three clients or three thousand.
    """
    fields = (*LIST_FIELDS, "match_kind") if searching else LIST_FIELDS
    values = list(queryset.order_by(*order).values_list(*fields)[: size + 1])
    team: dict[uuid.UUID, list[str]] = defaultdict(list)
    if values:
        for client_id, full_name, email in (
            CareTeamMember.objects.filter(client_id__in=[row[0] for row in values])
            .order_by("added_at", "id")
            .values_list("client_id", "user__full_name", "user__email")
        ):
            team[client_id].append(full_name or email)
    return [
        ClientRow(
            id=row[0],
            given_name=row[1],
            family_name=row[2],
            preferred_name=row[3],
            case_code=row[4],
            status=row[5],
            match_kind=row[6] if searching else "",
            care_team=tuple(team[row[0]]),
        )
        for row in values
    ]


def _page(rows: list[ClientRow], size: int, cursor: _Cursor | None) -> ClientPage:
    more = len(rows) > size
    rows = rows[:size]
    if cursor is not None and cursor.backwards:
        rows.reverse()
    if not rows:
        return ClientPage(clients=[], next_after=None, previous_before=None)
    if cursor is not None and cursor.backwards:
        return ClientPage(
            clients=rows, next_after=rows[-1].id, previous_before=rows[0].id if more else None
        )
    return ClientPage(
        clients=rows,
        next_after=rows[-1].id if more else None,
        previous_before=rows[0].id if cursor is not None else None,
    )


def _small_caseload(user: Any) -> list[uuid.UUID] | None:
    """A practitioner's client ids if they have few, else None (and None for administrators).

    A practitioner with a small caseload in a large practice is best served starting from their
    own care-team links: walking the practice in name order (or every client sharing a prefix)
    would read thousands of other people's rows to find a page of theirs.
    """
    membership = user.active_membership if user.is_authenticated else None
    if membership is None or not membership.is_clinical:
        return None
    # Bounded: reads at most SMALL_CASELOAD + 1 index entries, never the whole caseload.
    ids = list(
        CareTeamMember.objects.filter(user=user).values_list("client_id", flat=True)[
            : SMALL_CASELOAD + 1
        ]
    )
    return ids if len(ids) <= SMALL_CASELOAD else None


def _listed(user: Any) -> QuerySet[Client]:
    """The clients to page through, starting from the smallest set: a small caseload's own
    clients, or else the practice's name index, walked in order and left after one page."""
    ids = _small_caseload(user)
    return clients_for(user) if ids is None else clients_for(user, among=Q(pk__in=ids))


def _list_page(user: Any, *, status: str, cursor: _Cursor | None, size: int) -> ClientPage:
    queryset = _with_status(_listed(user), status)
    position = (
        clients_for(user).filter(pk=cursor.id).values_list("sort_key", "id").first()
        if cursor is not None
        else None
    )
    if cursor is not None and position is not None:
        key, pk = position
        queryset = queryset.filter(_after("sort_key", "id", key, pk, backwards=cursor.backwards))
    else:
        cursor = None  # an unknown or foreign cursor means the first page
    backwards = cursor is not None and cursor.backwards
    order = ("-sort_key", "-id") if backwards else ("sort_key", "id")
    return _page(_fetch(queryset, order, size), size, cursor)


def _search_page(
    user: Any, key: str, *, status: str, cursor: _Cursor | None, size: int
) -> ClientPage:
    """Clients with a name (given, family or preferred) or case code starting with `key`.

    Each client appears once, at the first of their names that matches, and the page is in
    alphabetical order of that name: "mor" lists Morgan Feltham (given name first) before
    Morris, Anne (family name first). That order is the (practice, key) index's own, which is
    what lets the database stop after one page. A small caseload starts from its own clients'
    keys instead and sorts the few matches.
    """
    membership = user.active_membership if user.is_authenticated else None
    if membership is None:
        return ClientPage(clients=[], next_after=None, previous_before=None)
    low, high = key, _just_after(key)
    in_range = {"key__gte": low, "key__lt": high}
    position = (
        SearchKey.objects.filter(client__in=clients_for(user).filter(pk=cursor.id), **in_range)
        .order_by("key")
        .values_list("key", "client_id")
        .first()
        if cursor is not None
        else None
    )
    # A small caseload is quicker to search from its own clients' keys, sorting the few
    # matches, than by walking every client in the practice who shares the prefix.
    ids = _small_caseload(user)
    where: dict[str, Any] = {"search_keys__key__gte": low, "search_keys__key__lt": high}
    if ids is None:
        where["search_keys__practice_id"] = membership.practice_id
    else:
        where["search_keys__client__in"] = ids
    # One filter() call, so every condition on search_keys applies to the same joined row.
    match = Q(**where)
    if cursor is not None and position is not None:
        match &= _after(
            "search_keys__key", "search_keys__client", *position, backwards=cursor.backwards
        )
    else:
        cursor = None
    queryset = (
        _with_status(clients_for(user, among=match), status)
        .annotate(
            match_key=F("search_keys__key"),
            match_kind=F("search_keys__kind"),
            match_client=F("search_keys__client"),
        )
        # Skip a row if the same client has an earlier matching name: one row per client.
        .filter(
            ~Exists(
                SearchKey.objects.filter(
                    client=OuterRef("pk"), key__gte=low, key__lt=OuterRef("match_key")
                )
            )
        )
    )
    backwards = cursor is not None and cursor.backwards
    order = ("-match_key", "-match_client") if backwards else ("match_key", "match_client")
    return _page(_fetch(queryset, order, size, searching=True), size, cursor)


def client_page(
    user: Any,
    *,
    query: str = "",
    status: str = CURRENT,
    after: Any = None,
    before: Any = None,
    page_size: int | None = None,
) -> ClientPage:
    """One page of the clients `user` may see. Bad or foreign cursors give the first page."""
    if status not in STATUS_FILTERS:
        raise ValueError(f"Unknown status filter: {status}")
    size = page_size or settings.FRAME_PAGE_SIZE
    cursor = _cursor(after, before)
    key = search_key(query)[:KEY_LENGTH]
    if key:
        return _search_page(user, key, status=status, cursor=cursor, size=size)
    return _list_page(user, status=status, cursor=cursor, size=size)
