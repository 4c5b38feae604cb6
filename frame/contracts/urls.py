from django.urls import path

from frame.contracts import views

app_name = "contracts"

urlpatterns = [
    path("contracts/", views.template_list, name="templates"),
    path("contracts/terms/", views.practice_terms, name="practice_terms"),
    path("contracts/<uuid:template_id>/", views.template_detail, name="template"),
    path("contracts/<uuid:template_id>/edit/", views.template_edit, name="template_edit"),
    path("contracts/<uuid:template_id>/compare/", views.template_compare, name="template_compare"),
    path("contracts/<uuid:template_id>/copy/", views.template_copy, name="template_copy"),
    path(
        "contracts/<uuid:template_id>/make-default/",
        views.template_make_default,
        name="template_make_default",
    ),
    path("clients/<uuid:client_id>/contract/", views.client_contract, name="client_contract"),
    path("clients/<uuid:client_id>/contract/terms/", views.client_terms, name="client_terms"),
    path(
        "clients/<uuid:client_id>/contract/agree/",
        views.record_agreement,
        name="record_agreement",
    ),
    path("clients/<uuid:client_id>/contract/pdf/", views.contract_pdf, name="contract_pdf"),
    path(
        "clients/<uuid:client_id>/contract/agreements/<uuid:agreement_id>/pdf/",
        views.agreement_pdf,
        name="agreement_pdf",
    ),
    path(
        "clients/<uuid:client_id>/contract/agreements/<uuid:agreement_id>/scan/",
        views.agreement_scan,
        name="agreement_scan",
    ),
    path(
        "clients/<uuid:client_id>/chance-encounter/",
        views.chance_encounter,
        name="chance_encounter",
    ),
    path("clients/<uuid:client_id>/communication/", views.communication, name="communication"),
]
