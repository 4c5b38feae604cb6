from django.urls import URLPattern, URLResolver, path  # noqa: F401

app_name = "endings"

urlpatterns: list[URLPattern | URLResolver] = []
