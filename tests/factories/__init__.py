"""factory_boy factories for Frame's models. All names and details are fictional."""

from __future__ import annotations

import datetime as dt

import factory

from frame.accounts.models import Membership, Practice, Role, User
from frame.clients.models import CareTeamMember, Client, Person, new_case_code

TEST_PASSWORD = "a calm blue harbour at dusk"


class PracticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Practice

    name = factory.Sequence(lambda n: f"Willowbank Counselling {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    password = factory.django.Password(TEST_PASSWORD)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    practice = factory.SubFactory(PracticeFactory)
    role = Role.PRACTITIONER


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    practice = factory.SubFactory(PracticeFactory)
    case_code = factory.LazyFunction(new_case_code)
    given_name = factory.Faker("first_name", locale="en_GB")
    family_name = factory.Faker("last_name", locale="en_GB")
    date_of_birth = dt.date(1988, 4, 12)
    email = factory.Sequence(lambda n: f"client{n}@example.net")
    referral_reason = "Low mood since a change of job."
    created_by = factory.SubFactory(UserFactory)


class CareTeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CareTeamMember

    client = factory.SubFactory(ClientFactory)
    user = factory.SubFactory(UserFactory)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    client = factory.SubFactory(ClientFactory)
    name = factory.Faker("name", locale="en_GB")
    relationship = "Sister"
