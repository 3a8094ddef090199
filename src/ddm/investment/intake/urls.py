from django.urls import path

from ddm.investment.intake import views

# Mounted under /investment/ by ddm.investment.urls (namespace "investment").
urlpatterns = [
    path("submissions/", views.submissions, name="submissions"),
    path("submissions/new/", views.upload, name="upload"),
    path("submissions/consolidated/<int:pk>/", views.consolidated, name="consolidated"),
    path("submissions/consolidated/<int:pk>/submit/", views.consolidated_submit, name="consolidated_submit"),
    path("submissions/<int:pk>/", views.detail, name="submission"),
    path("submissions/<int:pk>/commit/", views.commit, name="submission_commit"),
    path("submissions/<int:pk>/reread/", views.reread, name="submission_reread"),
    path("submissions/<int:pk>/approve/", views.approve, name="submission_approve"),
    path("submissions/<int:pk>/return/", views.return_, name="submission_return"),
    path("submissions/<int:pk>/source/", views.source, name="submission_source"),
    path("submissions/<int:pk>/rejected.xlsx", views.rejected, name="submission_rejected"),
    path("template.xlsx", views.template, name="intake_template"),
]
