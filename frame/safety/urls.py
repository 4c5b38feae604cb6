from django.urls import URLPattern, URLResolver, path  # noqa: F401

app_name = "safety"

urlpatterns: list[URLPattern | URLResolver] = []
