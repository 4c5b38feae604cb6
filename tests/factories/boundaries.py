"""Factories for the boundaries app. All names and details are fictional."""

from __future__ import annotations

import datetime as dt

import factory

from frame.boundaries.models import BoundaryEvent, CircleEntry, Kind
from tests.factories import ClientFactory, UserFactory


class BoundaryEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BoundaryEvent

    client = factory.SubFactory(ClientFactory)
    kind = Kind.SOCIAL_MEDIA
    occurred_on = dt.date(2026, 3, 2)
    what_happened = "Sent a follow request on a photo-sharing app."
    response = "Did not accept; said I would bring it to our next session."
    created_by = factory.SubFactory(UserFactory)


class CircleEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CircleEntry

    owner = factory.SubFactory(UserFactory)
    name = factory.Faker("name", locale="en_GB")
    relationship = "Neighbour"
    organisation = ""
    town = "Frome"
