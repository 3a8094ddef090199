"""Organisations read with sphere and province, and are picked by that label or code (#12)."""

import pytest

from ddm.accounts.forms import OrganisationField
from ddm.accounts.models import Organisation, RoleKind

pytestmark = pytest.mark.django_db


def test_ten_health_departments_read_apart(organisation):
    labels = {str(o) for o in Organisation.objects.filter(name="Health").select_related("province")}
    assert "Health (Eastern Cape)" in labels and "Health (national)" in labels
    assert len(labels) == Organisation.objects.filter(name="Health").count()
    assert str(organisation("EC157")).endswith("(municipality, Eastern Cape)")


def test_the_field_takes_the_label_or_the_code_and_explains_the_rest(organisation):
    field = OrganisationField()
    assert field.clean("Health (Eastern Cape)") == organisation("ec-health")
    assert field.clean("LIM367") == organisation("LIM367")
    with pytest.raises(Exception, match="could be"):
        field.clean("Health")
    with pytest.raises(Exception, match="pick one from the list"):
        field.clean("Health (Atlantis)")
    html = field.widget.render("owner", None, {"id": "id_owner"})
    assert 'list="id_owner-options"' in html and '<option value="Health (Eastern Cape)">' in html


def test_engagement_owner_is_picked_by_label(client_for, zone):
    from ddm.engagement.forms import ItemForm

    form = ItemForm({"kind": "commitment", "text": "Fix the pump", "raised_by": "the Premier",
                     "owner_organisation": "Health (Eastern Cape)", "owner_person": "", "status": "open"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["owner_organisation"].code == "ec-health"
    assert "Health (Eastern Cape)" in str(ItemForm()["owner_organisation"])


def test_a_member_without_an_organisation_is_told_why_the_upload_form_is_empty(client_for, zone, organisation):
    hub = client_for(RoleKind.HUB, zone=zone("DC15"))
    page = hub.get("/investment/submissions/new/").content.decode()
    assert 'id="no-organisation"' in page and "Hub member" in page and 'type="file"' not in page
    submitter = client_for(RoleKind.SUBMITTER, organisation=organisation("EC157"))
    page = submitter.get("/investment/submissions/new/?organisation=EC157").content.decode()
    assert 'type="file"' in page and "selected>" in page
