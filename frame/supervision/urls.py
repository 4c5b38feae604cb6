from django.urls import URLPattern, URLResolver, path  # noqa: F401

app_name = "supervision"

urlpatterns: list[URLPattern | URLResolver] = []
