from typing import Any

from django.urls import reverse


def test_home_greets_a_signed_in_practitioner(as_user: Any, practitioner: Any) -> None:
    response = as_user(practitioner).get(reverse("home"))
    assert response.status_code == 200
    assert b"Willowbank Counselling" in response.content


def test_home_sends_anonymous_visitors_to_sign_in(client: Any, db: Any) -> None:
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
