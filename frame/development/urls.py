from django.urls import URLPattern, URLResolver, path  # noqa: F401

app_name = "development"

urlpatterns: list[URLPattern | URLResolver] = []
