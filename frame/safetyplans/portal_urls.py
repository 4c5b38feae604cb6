"""Portal pages of this app, included in the portal's URLs (names are `portal:...`)."""

from django.urls import URLPattern, URLResolver, path

from frame.safetyplans import portal

urlpatterns: list[URLPattern | URLResolver] = [
    path("", portal.safety_plan, name="safety_plan"),
    path("suggest/", portal.suggest, name="safety_plan_suggest"),
    path("safety-plan.pdf", portal.safety_plan_pdf, name="safety_plan_pdf"),
    path("contacts.vcf", portal.safety_plan_vcard, name="safety_plan_vcard"),
]
