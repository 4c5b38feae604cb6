"""The client list: search, status filter and Previous/Next pages, at any size of practice.

Built on `access.clients_for`, so nobody sees a client the access rules would not show them.
Every query here is shaped so the database can use an index and stop early:

- names match by prefix on the accent-free `*_key` columns, as a range (`>= "mor" AND < "mos"`),
  never `LIKE '%mor%'`, which would read every row;
- rows come back in `sort_key, id` order, matching the practice indexes, so the first page is
  read straight off an index and nothing sorts the whole caseload;
- pages are keyset-based (after/before a client's id) and fetch one row more than they show to
  learn whether there is another page; nothing counts the caseload.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet

from frame.clients import lifecycle
from frame.clients.access import Section, clients_for
from frame.clients.models import CASE_CODE_ALPHABET, CareTeamMember, Client, search_key

# The list's status filter: "" means everyone current (all but archived), "all" means everyone.
CURRENT = ""
EVERYONE = "all"
STATUS_FILTERS = (CURRENT, *lifecycle.STATUSES, EVERYONE)

MAX_QUERY_LENGTH = 100
# Up to this many clients, a practitioner's list starts from their care-team links (see _visible).
SMALL_CASELOAD = 500
_CASE_CODE = re.compile(f"^[{CASE_CODE_ALPHABET}]{{2,12}}$")

LIST_FIELDS = ("id", "given_name", "family_name", "preferred_name", "case_code", "status")


@dataclass(frozen=True)
class ClientPage:
    clients: list[Client]
    next_after: uuid.UUID | None  # pass as ?after= for the next page
    previous_before: uuid.UUID | None  # pass as ?before= for the previous page

    @property
    def has_other_pages(self) -> bool:
        return self.next_after is not None or self.previous_before is not None


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


def _starts_with(field: str, prefix: str) -> Q:
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": _just_after(prefix)})


def matching(text: str) -> Q | None:
    """A filter for clients whose given, family or preferred name, or case code, starts with text.

    "Zoë", "zoe" and "ZOE" find the same people. Two or more words also match a given (or
    preferred) name followed by a family name: "sam o'neill" finds Samira O'Neill. Each branch
    is a range over one indexed column, so the database unions a few small index ranges.
    """
    key = search_key(text)
    if not key:
        return None
    branches = [
        _starts_with("sort_key", key),  # family name first, then given name
        _starts_with("given_key", key),
        _starts_with("preferred_key", key),
    ]
    first, _, rest = key.partition(" ")
    if rest:
        branches += [
            _starts_with("given_key", first) & _starts_with("sort_key", rest),
            _starts_with("preferred_key", first) & _starts_with("sort_key", rest),
        ]
    code = text.strip().upper()
    if _CASE_CODE.match(code):
        branches.append(_starts_with("case_code", code))
    condition = Q()
    for branch in branches:
        condition |= branch
    return condition


def _visible(user: Any, condition: Q | None) -> QuerySet[Client]:
    """The clients to page through, shaped so the database starts from the smallest set.

    A search starts from its name ranges. A practitioner with a small caseload in a large
    practice starts from their own care-team links: walking the practice in name order would
    read thousands of other people's rows to find a page of theirs. Everyone else walks the
    practice's name index and stops after one page.
    """
    if condition is not None:
        return clients_for(user, among=condition)
    membership = user.active_membership if user.is_authenticated else None
    if membership is not None and membership.is_clinical:
        # Bounded: reads at most SMALL_CASELOAD + 1 index entries, never the whole caseload.
        ids = list(
            CareTeamMember.objects.filter(user=user).values_list("client_id", flat=True)[
                : SMALL_CASELOAD + 1
            ]
        )
        if len(ids) <= SMALL_CASELOAD:
            return clients_for(user, among=Q(pk__in=ids))
    return clients_for(user)


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


def client_page(
    user: Any,
    *,
    query: str = "",
    status: str = CURRENT,
    after: Any = None,
    before: Any = None,
    page_size: int | None = None,
) -> ClientPage:
    """One page of the clients `user` may see, in name order. Bad cursors give the first page."""
    if status not in STATUS_FILTERS:
        raise ValueError(f"Unknown status filter: {status}")
    size = page_size or settings.FRAME_PAGE_SIZE
    visible = clients_for(user, section=Section.IDENTITY)
    queryset = _with_status(_visible(user, matching(query)), status)

    cursor_id = _parse_cursor(after) or _parse_cursor(before)
    backwards = cursor_id is not None and _parse_cursor(after) is None
    cursor = (
        visible.filter(pk=cursor_id).values_list("sort_key", "id").first()
        if cursor_id is not None
        else None
    )
    if cursor is not None:
        key, pk = cursor
        if backwards:
            queryset = queryset.filter(Q(sort_key__lt=key) | Q(id__lt=pk), sort_key__lte=key)
        else:
            queryset = queryset.filter(Q(sort_key__gt=key) | Q(id__gt=pk), sort_key__gte=key)
    else:
        backwards = False
    order = ("-sort_key", "-id") if backwards else ("sort_key", "id")

    rows = list(
        queryset.order_by(*order)
        .only(*LIST_FIELDS)
        .prefetch_related(
            Prefetch(
                "care_team",
                queryset=CareTeamMember.objects.select_related("user").order_by("added_at", "id"),
            )
        )[: size + 1]
    )
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
    if not rows:
        return ClientPage(clients=[], next_after=None, previous_before=None)
    if backwards:
        return ClientPage(
            clients=rows, next_after=rows[-1].pk, previous_before=rows[0].pk if more else None
        )
    return ClientPage(
        clients=rows,
        next_after=rows[-1].pk if more else None,
        previous_before=rows[0].pk if cursor is not None else None,
    )
