"""Issue #10: a consolidated file (an organisation column, many departments) through the web upload."""

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from ddm.accounts.models import Organisation, RoleKind
from ddm.investment.models import ConsolidatedUpload, Project
from ddm.places.models import Place

CONSOLIDATED = ("Provincial infrastructure projects 2019/20, R thousand\n"
                "Department,Province,Project,Local municipality,Budget 2019/20\n"
                "Health,KwaZulu-Natal,Clinic A,KZN225,100\n"
                "Education,KwaZulu-Natal,School B,KZN225,200\n"
                "Health,Eastern Cape,Clinic C,EC157,300\n"
                "Health,KwaZulu-Natal,Clinic D,KZN225,400\n")
CODES = ["ec-health", "kzn-education", "kzn-health"]


def upload(client, text=CONSOLIDATED):
    file = SimpleUploadedFile("provincial.csv", text.encode(), content_type="text/csv")
    return client.post("/investment/submissions/new/", {"consolidated": "on", "file": file, "sheet": "", "mode": "all"})


def test_preview_names_each_rows_organisation_then_submit_all(client_for):
    dcog = client_for(RoleKind.CONSOLIDATOR)  # national scope: every government organisation
    response = upload(dcog)
    assert response.status_code == 302 and "/consolidated/" in response.url, response.content[:500]
    consolidated = ConsolidatedUpload.objects.get()
    page = dcog.get(response.url).content.decode()
    health = Organisation.objects.get(code="kzn-health")
    assert health.name in page and "3, 6" in page  # KZN Health: rows 3 and 6, found with the row's province
    assert sorted(p.organisation.code for p in consolidated.parts.all()) == CODES
    assert {p.status for p in consolidated.parts.all()} == {"preview"}
    assert not Project.objects.filter(title__startswith="Clinic").exists()  # a preview writes nothing
    Organisation.objects.filter(code__in=CODES).update(publish_on_submit=True)
    dcog.post(f"{response.url}submit/")
    dcog.post(f"{response.url}submit/")  # a second click submits nothing twice
    clinic = Project.objects.get(title="Clinic A")
    assert clinic.organisation.code == "kzn-health" and clinic.budget_lines.get().amount == Decimal("100000.00")
    assert Project.objects.filter(organisation=health).count() == 2
    # The same file again: every organisation's own idempotency holds.
    again = upload(dcog)
    dcog.post(f"{again.url}submit/")
    latest = ConsolidatedUpload.objects.order_by("-pk").first()
    commits = [p.commits.get() for p in latest.parts.all()]
    assert {c.status for c in commits} == {"committed"} and all(c.projects_unchanged >= 1 for c in commits)
    assert all(c.projects_created == 0 for c in commits)


def test_a_consolidator_submits_only_within_its_scope(client_for):
    kzn = Place.objects.provinces().get(code="KZN")
    treasury = client_for(RoleKind.CONSOLIDATOR, province=kzn)
    response = upload(treasury)
    page = treasury.get(response.url).content.decode()
    assert "you may not submit for" in page and "ec-health" in page  # EC Health is outside KZN
    consolidated = ConsolidatedUpload.objects.get()
    assert consolidated.status == "refused" and not consolidated.parts.exists()
    assert treasury.post(f"{response.url}submit/").status_code == 404
    assert not Project.objects.filter(title__startswith="Clinic").exists()
    # Someone else's consolidated file is not theirs to see.
    assert client_for(RoleKind.CONSOLIDATOR).get(response.url).status_code == 403


def test_an_unknown_organisation_is_named_with_its_rows(client_for):
    dcog = client_for(RoleKind.CONSOLIDATOR)
    response = upload(dcog, CONSOLIDATED + "No Such Dept,KwaZulu-Natal,X,KZN225,1\n")
    page = dcog.get(response.url).content.decode()
    assert "No Such Dept" in page and "not found" in page
    assert ConsolidatedUpload.objects.get().status == "refused"


def test_a_plain_upload_still_needs_an_organisation(client_for, organisation):
    client = client_for(RoleKind.SUBMITTER, organisation=organisation("EC157"))
    file = SimpleUploadedFile("projects.csv", b"Project,Budget 2019/20\nRoads,1\n", content_type="text/csv")
    response = client.post("/investment/submissions/new/", {"file": file, "sheet": "", "mode": "all"})
    assert response.status_code == 200 and "Choose the organisation" in response.content.decode()
