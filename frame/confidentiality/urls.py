from django.urls import URLPattern, URLResolver, path  # noqa: F401

app_name = "confidentiality"

urlpatterns: list[URLPattern | URLResolver] = []
