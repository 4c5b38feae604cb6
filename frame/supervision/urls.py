from django.urls import URLPattern, URLResolver, path

from frame.supervision import views

app_name = "supervision"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.log, name="log"),
    path("new/", views.supervision_new, name="new"),
    path("requirement/", views.requirement, name="requirement"),
    path("breaks/new/", views.break_new, name="break_new"),
    path("record.pdf", views.record_pdf, name="record_pdf"),
    path("record.csv", views.record_csv, name="record_csv"),
    path("<uuid:supervision_id>/", views.supervision_detail, name="detail"),
    path("<uuid:supervision_id>/cases/new/", views.case_new, name="case_new"),
    path("<uuid:supervision_id>/in-error/", views.supervision_error, name="in_error"),
    path(
        "clients/<uuid:client_id>/actions/<uuid:supervision_action_id>/done/",
        views.action_done,
        name="action_done",
    ),
    path("packs/", views.pack_list, name="packs"),
    path("packs/new/", views.pack_new, name="pack_new"),
    path("packs/<uuid:supervision_pack_id>/", views.pack_detail, name="pack"),
    path("packs/<uuid:supervision_pack_id>/pdf/", views.pack_pdf, name="pack_pdf"),
    path("packs/<uuid:supervision_pack_id>/share/", views.pack_share, name="pack_share"),
    path("packs/<uuid:supervision_pack_id>/withdraw/", views.pack_withdraw, name="pack_withdraw"),
    path("shared/", views.shared_list, name="shared"),
    path("shared/notes/", views.shared_notes, name="shared_notes"),
    path("shared/<uuid:supervision_pack_id>/", views.shared_pack, name="shared_pack"),
]
