from django.urls import URLPattern, URLResolver, path  # noqa: F401

app_name = "brief"

urlpatterns: list[URLPattern | URLResolver] = []
