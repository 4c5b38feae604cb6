from django.urls import URLPattern, URLResolver, path  # noqa: F401

app_name = "safetyplans"

urlpatterns: list[URLPattern | URLResolver] = []
