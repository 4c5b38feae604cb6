from django.urls import URLPattern, URLResolver, path  # noqa: F401

app_name = "outcomes"

urlpatterns: list[URLPattern | URLResolver] = []
