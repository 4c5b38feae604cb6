"""Portal pages of this app, included in the portal's URLs (names are `portal:...`)."""

from django.urls import URLPattern, URLResolver, path  # noqa: F401

urlpatterns: list[URLPattern | URLResolver] = []
