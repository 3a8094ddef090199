from django.urls import path

from ddm.oneplan import views

app_name = "oneplan"

Z = "zones/<str:code>/"

urlpatterns = [
    path("", views.index, name="dashboard"),
    path("reminders/", views.reminders, name="reminders"),
    path("results/", views.results_page, name="results"),
    path(Z, views.zone_page, name="zone"),
    path(Z + "export.pdf", views.export_pdf, name="export_pdf"),
    path(Z + "export.xlsx", views.export_xlsx, name="export_xlsx"),
    path(Z + "start/", views.start, name="start"),
    path(Z + "advance/", views.advance, name="advance"),
    path(Z + "profile-link/", views.link_profile, name="link_profile"),
    path(Z + "vision/", views.vision, name="vision"),
    path(Z + "review/", views.review, name="review"),
    path(Z + "phases/<str:kind>/", views.phase, name="phase"),
    path(Z + "phases/<str:kind>/documents/", views.document, name="document"),
    path(Z + "documents/<int:pk>/", views.document_file, name="document_file"),
    path(Z + "focal-areas/new/", views.focal_area, name="focal_area_new"),
    path(Z + "focal-areas/<int:pk>/", views.focal_area, name="focal_area"),
    path(Z + "strategies/new/", views.strategy, name="strategy_new"),
    path(Z + "strategies/<int:pk>/", views.strategy, name="strategy"),
    path(Z + "actions/new/", views.action, name="action_new"),
    path(Z + "actions/<int:pk>/", views.action, name="action"),
    path(Z + "indicators/new/", views.indicator, name="indicator_new"),
    path(Z + "indicators/<int:pk>/", views.indicator, name="indicator"),
    path(Z + "indicators/<int:pk>/actuals/", views.actual, name="actual"),
    path(Z + "delete/<str:kind>/<int:pk>/", views.delete, name="delete"),
    path(Z + "commitments/new/", views.commitment, name="commitment_new"),
    path(Z + "commitments/<int:pk>/", views.commitment, name="commitment"),
    path(Z + "commitments/<int:pk>/delete/", views.commitment_delete, name="commitment_delete"),
    path(Z + "commitments/<int:pk>/report/", views.commitment_report, name="commitment_report"),
    path(Z + "commitments/<int:pk>/stages/", views.stage, name="stage"),
    path(Z + "sign/", views.sign, name="sign"),
    path(Z + "return/", views.return_draft, name="return"),
]
