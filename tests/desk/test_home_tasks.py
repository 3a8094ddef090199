"""The signed-in home page lists my tasks for my roles and links every workflow (#12)."""

import datetime
from html import unescape

import pytest
from django.utils import timezone

from ddm.accounts.models import RoleKind
from ddm.engagement.models import Event, Item, ItemKind

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_anonymous_home_is_the_zones(client):
    html = client.get("/").content.decode()
    assert "The 52 IGR Impact Zones" in html and 'id="my-tasks"' not in html


def test_submitter_is_asked_to_submit_and_sees_a_commitment_due(client_for, organisation, zone):
    health = organisation("ec-health")
    client = client_for(RoleKind.SUBMITTER, organisation=health)
    event = Event.objects.create(kind="imbizo", zone=zone("DC15"), title="Imbizo", date=TODAY - datetime.timedelta(days=40))
    Item.objects.create(event=event, kind=ItemKind.COMMITMENT, text="Open the Mthatha clinic", owner_organisation=health,
                        due_date=TODAY - datetime.timedelta(days=3))
    Item.objects.create(event=event, kind=ItemKind.COMMITMENT, text="Someone else's road", due_date=TODAY)
    html = unescape(client.get("/").content.decode())
    tasks = html.split('id="my-tasks"')[1].split("</section>")[0]
    assert "Submit this financial year's projects and budgets for Health (Eastern Cape)" in tasks
    assert "/investment/submissions/new/?organisation=ec-health" in tasks
    assert "Open the Mthatha clinic" in tasks and "overdue since" in tasks
    assert "Someone else's road" not in tasks
    assert "The 52 IGR Impact Zones" in html


def test_hub_member_reviews_duplicates_and_has_zone_workflows(client_for, zone):
    client = client_for(RoleKind.HUB, zone=zone("DC15"))
    html = client.get("/").content.decode()
    assert "Review possible duplicate projects in DC15" in html
    assert "/briefing/zones/DC15/" in html and "/oneplan/zones/DC15/" in html and "Users and roles" not in html


def test_a_user_with_no_role_is_told_so(client_for):
    html = client_for().get("/").content.decode()
    assert "with no role yet" in html and 'id="no-tasks"' in html
