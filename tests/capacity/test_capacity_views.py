"""Capacity pages and their role- and scope-checked writes."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ddm.accounts.models import RoleKind
from ddm.capacity.models import BusinessPlanVersion, Hub, PlanAttachment, Position, RequirementOverride, SkillsAudit

AUDIT = ("Post title,Person,Management,Skill,Level\n"
         "Electrical engineer,Ann,yes,electrical_engineer,professional\n")


@pytest.fixture
def hub(zone):
    found = Hub.objects.create(name="Waterberg hub")
    found.zones.set([zone("DC36")])
    return found


def _upload(client, code, text=AUDIT, **extra):
    return client.post(f"/capacity/municipalities/{code}/upload/",
                       {"file": SimpleUploadedFile("audit.csv", text.encode()), **extra})


def test_hub_member_edits_positions_and_plan_of_own_zone_only(client_for, zone, hub):
    member = client_for(RoleKind.HUB, zone=zone("DC36"))
    response = member.post(f"/capacity/hubs/{hub.pk}/positions/economist/",
                           {"person_name": "Nomsa", "appointed_on": "2024-02-01", "contract_end": "2027-01-31"})
    assert response.status_code == 302
    assert Position.objects.get(hub=hub, role="economist").person_name == "Nomsa"
    other = client_for(RoleKind.HUB, zone=zone("DC15"))
    assert other.post(f"/capacity/hubs/{hub.pk}/positions/economist/", {"person_name": "X"}).status_code == 403
    assert other.post(f"/capacity/hubs/{hub.pk}/plan/", {"needs": "x"}).status_code == 403
    assert Position.objects.get(hub=hub, role="economist").person_name == "Nomsa"


def test_anonymous_and_viewer_cannot_write(client, client_for, hub):
    assert "/login/" in client.post(f"/capacity/hubs/{hub.pk}/plan/", {"needs": "x"})["Location"]  # sent to sign in
    viewer = client_for(RoleKind.VIEWER)
    assert viewer.post(f"/capacity/hubs/{hub.pk}/plan/", {"needs": "x"}).status_code == 403
    assert _upload(viewer, "LIM362").status_code == 403
    assert not BusinessPlanVersion.objects.exists()


def test_provincial_coordinator_of_the_province_may_write(client_for, zone, hub):
    limpopo = client_for(RoleKind.PROVINCIAL, province=zone("DC36").province)
    assert limpopo.post(f"/capacity/hubs/{hub.pk}/plan/", {"needs": "v1", "resources_requested": ""}).status_code == 302
    assert limpopo.post(f"/capacity/hubs/{hub.pk}/plan/", {"needs": "v2", "resources_requested": "GIS"}).status_code == 302
    versions = list(hub.plan_versions.order_by("version").values_list("version", "needs"))
    assert versions == [(1, "v1"), (2, "v2")]  # a new version each time, the old kept
    gauteng = client_for(RoleKind.PROVINCIAL, province=zone("JHB").province)
    assert gauteng.post(f"/capacity/hubs/{hub.pk}/plan/", {"needs": "x"}).status_code == 403
    page = limpopo.get(f"/capacity/hubs/{hub.pk}/").content.decode()
    assert "Version 2" in page and "Earlier versions (1)" in page


def test_attachment_size_and_type_limits(client_for, zone, hub, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.DDM_MAX_UPLOAD_BYTES = 100
    member = client_for(RoleKind.HUB, zone=zone("DC36"))
    pdf = b"%PDF-1.4\n" + b"x" * 91  # 100 bytes
    member.post(f"/capacity/hubs/{hub.pk}/attachments/",
                {"title": "plan", "file": SimpleUploadedFile("plan.pdf", pdf + b"x")})
    member.post(f"/capacity/hubs/{hub.pk}/attachments/",
                {"title": "script", "file": SimpleUploadedFile("run.exe", b"x")})
    assert not PlanAttachment.objects.exists()
    member.post(f"/capacity/hubs/{hub.pk}/attachments/",
                {"title": "plan", "file": SimpleUploadedFile("plan.pdf", pdf)})
    attachment = PlanAttachment.objects.get()
    assert attachment.size == 100
    assert member.get(f"/capacity/hubs/{hub.pk}/attachments/{attachment.pk}/").status_code == 200


IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_municipal_submitter_uploads_own_audit_only(client_for, organisation, settings):
    settings.TASKS = IMMEDIATE  # the job worker's part runs at once
    submitter = client_for(RoleKind.SUBMITTER, organisation=organisation("LIM362"))
    assert _upload(submitter, "LIM362").status_code == 302
    assert SkillsAudit.objects.get().municipality.code == "LIM362"
    assert _upload(submitter, "LIM367").status_code == 403
    assert SkillsAudit.objects.count() == 1


def test_upload_with_bad_rows_shows_errors_and_writes_nothing(client_for, zone, settings):
    settings.TASKS = IMMEDIATE
    member = client_for(RoleKind.HUB, zone=zone("DC36"))
    response = _upload(member, "LIM362", AUDIT + "Planner,Bo,perhaps,town_planner,basic\n")
    assert response.status_code == 302
    page = member.get(response.url).content.decode()
    assert "perhaps" in page and "management must be yes or no" in page and "Nothing was written" in page
    assert 'download="rejected-LIM362.xlsx"' in page
    assert not SkillsAudit.objects.exists()
    assert _upload(member, "LIM362", AUDIT + "Planner,Bo,perhaps,town_planner,basic\n",
                   accept_valid="on").status_code == 302
    assert SkillsAudit.objects.get().entries.count() == 1


def test_override_form_needs_a_reason_and_is_scoped(client_for, zone):
    member = client_for(RoleKind.HUB, zone=zone("DC36"))
    member.post("/capacity/municipalities/LIM362/overrides/", {"skill": "gis", "required": "3", "reason": ""})
    assert not RequirementOverride.objects.exists()
    member.post("/capacity/municipalities/LIM362/overrides/", {"skill": "gis", "required": "3", "reason": "SDF review"})
    assert RequirementOverride.objects.get().required == 3
    assert RequirementOverride.objects.get().history.count() == 1  # audited
    other = client_for(RoleKind.HUB, zone=zone("DC15"))
    assert other.post("/capacity/municipalities/LIM362/overrides/",
                      {"skill": "gis", "required": "9", "reason": "x"}).status_code == 403
    member.post("/capacity/municipalities/LIM362/overrides/", {"skill": "gis", "required": "", "reason": ""})
    assert not RequirementOverride.objects.exists()


def test_zone_page_and_exports(client, make_audit):
    make_audit("LIM362", [("Ann", "electrical_engineer", 4, True)])
    page = client.get("/capacity/zones/DC36/").content.decode()
    assert 'id="gap-matrix"' in page and "LIM362" in page and "Which development agencies could help" in page
    xlsx = client.get("/capacity/zones/DC36/skills.xlsx")
    assert xlsx.status_code == 200
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["Gap by municipality", "Zone totals", "Sharing", "Profile weighting", "Agencies"]
    template = client.get("/capacity/skills/template.xlsx")
    assert openpyxl.load_workbook(io.BytesIO(template.content)).sheetnames[0] == "skills audit"
    assert client.get("/capacity/municipalities/LIM362/").status_code == 200
    assert client.get("/capacity/municipalities/NOPE/").status_code == 404


def test_hub_registration_is_limited_to_zones_the_user_covers(client_for, zone):
    gauteng = client_for(RoleKind.PROVINCIAL, province=zone("JHB").province)
    form = {"name": "Gauteng metros", "zones": ["JHB", "TSH", "EKU"], "established": "2020-07-01"}
    assert gauteng.post("/capacity/hubs/new/", form).status_code == 302
    hub = Hub.objects.get(name="Gauteng metros")
    assert sorted(z.code for z in hub.zones.all()) == ["EKU", "JHB", "TSH"]
    response = gauteng.post("/capacity/hubs/new/", {"name": "Too wide", "zones": ["JHB", "DC36"]})
    assert response.status_code == 200 and "no role covering DC36" in response.content.decode()
    assert not Hub.objects.filter(name="Too wide").exists()
    member = client_for(RoleKind.HUB, zone=zone("JHB"))
    assert member.post("/capacity/hubs/new/", {"name": "x", "zones": ["JHB"]}).status_code == 403
    # A hub member of JHB may edit the hub's details, but not add or remove zones outside their scope.
    removal = member.post(f"/capacity/hubs/{hub.pk}/edit/", {"name": "GM", "zones": ["JHB", "EKU"]})
    assert removal.status_code == 200 and "no role covering TSH" in removal.content.decode()
    addition = member.post(f"/capacity/hubs/{hub.pk}/edit/", {"name": "GM", "zones": ["JHB", "TSH", "EKU", "DC36"]})
    assert addition.status_code == 200 and "no role covering DC36" in addition.content.decode()
    assert sorted(z.code for z in hub.zones.all()) == ["EKU", "JHB", "TSH"]
    assert member.post(f"/capacity/hubs/{hub.pk}/edit/", {"name": "GM", "zones": ["JHB", "TSH", "EKU"]}).status_code == 302
    hub.refresh_from_db()
    assert hub.name == "GM" and hub.history.count() >= 2
