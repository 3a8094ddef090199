"""Events, items, follow-ups and overdue lists; "today" is always a parameter, never the clock."""

import datetime
import json

import pytest
from click.testing import CliRunner

from ddm.accounts.models import RoleKind
from ddm.cli import cli
from ddm.engagement.models import Attendance, Event, FollowUp, Item, ItemStatus
from ddm.engagement.services import add_follow_up, overdue_items

TODAY = datetime.date(2024, 6, 1)


@pytest.fixture
def items(zone):
    event = Event.objects.create(kind="imbizo", title="Imbizo", zone=zone("DC36"), date=datetime.date(2024, 1, 10))
    other = Event.objects.create(kind="consultation", title="Consultation", zone=zone("ETH"),
                                 date=datetime.date(2024, 2, 1))

    def make(text, due, status=ItemStatus.OPEN, on=event):
        return Item.objects.create(event=on, kind="commitment", text=text, due_date=due, status=status)

    return {
        "late": make("late", datetime.date(2024, 5, 31)),
        "late_in_progress": make("late in progress", datetime.date(2024, 3, 1), ItemStatus.IN_PROGRESS),
        "due_today": make("due today", TODAY),
        "done": make("done", datetime.date(2024, 1, 31), ItemStatus.DONE),
        "dropped": make("dropped", datetime.date(2024, 1, 31), ItemStatus.DROPPED),
        "no_date": make("no date", None),
        "eth_late": make("eth late", datetime.date(2024, 4, 1), on=other),
        "event": event,
    }


def _reference_free(queryset):
    return [i.text for i in queryset if not i.source]


def test_overdue_means_due_before_today_and_not_done_or_dropped(items, zone):
    assert _reference_free(overdue_items(TODAY)) == ["late in progress", "eth late", "late"]
    assert _reference_free(overdue_items(TODAY, zone("DC36"))) == ["late in progress", "late"]
    # The day after, the item due today is overdue too.
    assert "due today" in _reference_free(overdue_items(TODAY + datetime.timedelta(days=1)))
    assert items["late"].is_overdue(TODAY) and not items["due_today"].is_overdue(TODAY)


def test_follow_up_records_history_and_status_change(items, make_user):
    user = make_user("hub")
    item = items["late"]
    add_follow_up(item, "Contractor appointed", TODAY, user, ItemStatus.IN_PROGRESS)
    add_follow_up(item, "Site visit", TODAY, user)
    add_follow_up(item, "Completed", TODAY, user, ItemStatus.DONE)
    history = list(FollowUp.objects.filter(item=item).values_list("note", "old_status", "new_status"))
    assert history == [("Contractor appointed", "open", "in_progress"), ("Site visit", "", ""),
                       ("Completed", "in_progress", "done")]
    item.refresh_from_db()
    assert item.status == "done" and "late" not in _reference_free(overdue_items(TODAY))
    assert item.history.count() == 3  # created + two status changes, audited
    with pytest.raises(ValueError):
        add_follow_up(item, "  ", TODAY)


def test_cli_overdue_json_and_text(items):
    runner = CliRunner()
    result = runner.invoke(cli, ["engagement", "overdue", "--today", "2024-06-01", "--zone", "DC36", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["today"] == "2024-06-01" and data["count"] == 2
    first = data["items"][0]
    assert (first["text"], first["due_date"], first["days_overdue"], first["status"]) == (
        "late in progress", "2024-03-01", 92, "in_progress")
    text = runner.invoke(cli, ["engagement", "overdue", "--today", "2024-06-01"])
    assert "eth late" in text.stdout
    bad = runner.invoke(cli, ["engagement", "overdue", "--zone", "NOPE"])
    assert bad.exit_code == 1 and "no zone" in bad.stderr
    assert runner.invoke(cli, ["engagement", "overdue", "--today", "June"]).exit_code == 2


def test_api_overdue_and_zone_engagements(client, items):
    data = client.get("/api/engagement/overdue?today=2024-06-01&zone=ETH").json()
    assert [i["text"] for i in data["items"]] == ["eth late"]
    zone = client.get("/api/zones/DC36/engagements?today=2024-06-01").json()
    imbizo = next(e for e in zone["events"] if e["title"] == "Imbizo")
    assert {i["text"]: i["overdue"] for i in imbizo["items"]}["late"] is True
    assert {i["text"]: i["overdue"] for i in imbizo["items"]}["done"] is False
    assert client.get("/api/zones/NOPE/engagements").status_code == 404


def test_pages_list_overdue_nationally_and_per_zone(client, items):
    national = client.get("/engagement/overdue/?today=2024-06-01").content.decode()
    assert "eth late" in national and "late in progress" in national and "due today" not in national
    zone_page = client.get("/engagement/zones/DC36/?today=2024-06-01").content.decode()
    overdue_part = zone_page.split("<h2>Events</h2>")[0]
    assert "late in progress" in overdue_part and "eth late" not in overdue_part
    csv_text = client.get("/engagement/overdue.csv?today=2024-06-01").content.decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("zone,event")
    assert client.get("/engagement/").status_code == 200


def test_pilot_launches_are_seeded_as_reference(db):
    launches = {e.zone.code: e.date for e in Event.objects.filter(is_reference=True, kind="launch")}
    assert launches == {"DC15": datetime.date(2019, 9, 17), "ETH": datetime.date(2019, 10, 18),
                        "DC36": datetime.date(2019, 11, 26)}
    for event in Event.objects.filter(is_reference=True):
        assert event.sources.strip(), f"{event} has no source"
        assert all(i.source for i in event.items.all())
        assert not event.items.exclude(due_date=None).exists()  # no invented due dates


def test_reference_load_is_idempotent_and_keeps_follow_ups(db):
    from ddm.engagement.setup import load_reference

    item = Item.objects.filter(event__zone__code="DC36", event__is_reference=True).first()
    add_follow_up(item, "Tracked by the hub", TODAY, status=ItemStatus.IN_PROGRESS)
    counts = Event.objects.count(), Item.objects.count(), Attendance.objects.count()
    load_reference(lambda message: None)
    assert (Event.objects.count(), Item.objects.count(), Attendance.objects.count()) == counts
    item.refresh_from_db()
    assert item.status == ItemStatus.IN_PROGRESS


# --- writes: role and scope ---------------------------------------------------------------------


def test_event_creation_is_scoped_to_the_zone(client, client_for, zone):
    form = {"kind": "consultation", "title": "Water consultation", "date": "2024-03-03", "venue": "", "description": "",
            "sources": ""}
    assert "/login/" in client.post("/engagement/zones/DC36/events/new/", form)["Location"]  # sent to sign in
    assert client_for(RoleKind.HUB, zone=zone("DC15")).post("/engagement/zones/DC36/events/new/", form).status_code == 403
    assert client_for(RoleKind.VIEWER).post("/engagement/zones/DC36/events/new/", form).status_code == 403
    assert not Event.objects.filter(title="Water consultation").exists()
    response = client_for(RoleKind.HUB, zone=zone("DC36")).post("/engagement/zones/DC36/events/new/", form)
    assert response.status_code == 302
    event = Event.objects.get(title="Water consultation")
    assert event.zone.code == "DC36" and event.history.count() == 1


def test_items_attendance_and_links_by_coordinators(client_for, zone, items):
    event = items["event"]
    limpopo = client_for(RoleKind.PROVINCIAL, province=zone("DC36").province)
    gauteng = client_for(RoleKind.PROVINCIAL, province=zone("JHB").province)
    item_form = {"kind": "commitment", "text": "Fix the pump", "raised_by": "the Premier", "owner_organisation": "LIM367",
                 "owner_person": "", "due_date": "2024-09-30", "status": "open"}
    assert gauteng.post(f"/engagement/events/{event.pk}/items/", item_form).status_code == 403
    assert limpopo.post(f"/engagement/events/{event.pk}/items/", item_form).status_code == 302
    item = Item.objects.get(text="Fix the pump")
    assert item.owner_organisation.code == "LIM367"
    attendance = {"group": "traditional", "count": "7", "organisations": "Local house of traditional leaders"}
    assert gauteng.post(f"/engagement/events/{event.pk}/attendance/", attendance).status_code == 403
    limpopo.post(f"/engagement/events/{event.pk}/attendance/", attendance)
    assert Attendance.objects.get(event=event, group="traditional").count == 7
    limpopo.post(f"/engagement/events/{event.pk}/attendance/", {"group": "youth", "count": "", "organisations": ""})
    assert not Attendance.objects.filter(event=event, group="youth").exists()  # neither count nor names
    assert gauteng.post(f"/engagement/items/{item.pk}/links/", {"projects": []}).status_code == 403


def test_owner_submitter_may_follow_up_but_not_edit_the_event(client_for, organisation, items):
    item = items["late"]
    item.owner_organisation = organisation("LIM367")
    item.save()
    owner = client_for(RoleKind.SUBMITTER, organisation=organisation("LIM367"))
    stranger = client_for(RoleKind.SUBMITTER, organisation=organisation("LIM362"))
    assert stranger.post(f"/engagement/items/{item.pk}/follow-up/", {"note": "x", "status": "done"}).status_code == 403
    assert owner.post(f"/engagement/items/{item.pk}/follow-up/", {"note": "Done", "status": "done"}).status_code == 302
    item.refresh_from_db()
    assert item.status == "done" and item.follow_ups.get().author == owner.user
    assert owner.post(f"/engagement/events/{item.event.pk}/items/", {"kind": "issue", "text": "x"}).status_code == 403
    page = owner.get(f"/engagement/items/{item.pk}/").content.decode()
    assert "Done" in page and "Open → Done" in page


def test_links_to_actions_and_projects_of_the_same_zone(client_for, zone, organisation, items):
    from ddm.investment.models import Location, Project
    from ddm.oneplan.models import Action, FocalArea, OnePlan, PlanVersion, Strategy

    def action_in(code):
        plan = OnePlan.objects.get_or_create(zone=zone(code))[0]
        version = PlanVersion.objects.create(plan=plan, number=plan.versions.count() + 1)
        area = FocalArea.objects.create(version=version, code="water", name="Water")
        return Action.objects.create(strategy=Strategy.objects.create(focal_area=area, title="S"), title=f"A {code}")

    def project_in(code, reference):
        project = Project.objects.create(organisation=organisation("LIM367"), reference=reference, title=reference)
        Location.objects.create(project=project, precision="zone", place=zone(code), zone=zone(code))
        return project

    here, there = action_in("DC36"), action_in("DC15")
    pump, far = project_in("DC36", "P-1"), project_in("DC15", "P-2")
    item = items["late"]
    member = client_for(RoleKind.HUB, zone=zone("DC36"))
    member.post(f"/engagement/items/{item.pk}/links/", {"action": there.pk, "projects": [far.pk]})
    item.refresh_from_db()
    assert item.action is None and not item.projects.exists()  # another zone's action/project: refused
    member.post(f"/engagement/items/{item.pk}/links/", {"action": here.pk, "projects": [pump.pk]})
    item.refresh_from_db()
    assert item.action == here and list(item.projects.all()) == [pump]
    assert list(here.engagement_items.all()) == [item]


def test_editing_events_and_items_is_scoped_and_keeps_status_for_follow_ups(client_for, zone, items):
    event, item = items["event"], items["late"]
    outsider = client_for(RoleKind.HUB, zone=zone("ETH"))
    member = client_for(RoleKind.HUB, zone=zone("DC36"))
    form = {"kind": "imbizo", "title": "Renamed Imbizo", "date": "2024-01-10", "venue": "Mokopane", "description": "",
            "sources": ""}
    assert outsider.post(f"/engagement/events/{event.pk}/edit/", form).status_code == 403
    assert member.post(f"/engagement/events/{event.pk}/edit/", form).status_code == 302
    event.refresh_from_db()
    assert event.title == "Renamed Imbizo" and event.history.count() == 2
    edit = {"kind": "commitment", "text": "late", "raised_by": "the MEC", "owner_organisation": "", "owner_person": "",
            "due_date": "2024-12-31", "status": "done"}
    assert outsider.post(f"/engagement/items/{item.pk}/edit/", edit).status_code == 403
    assert member.post(f"/engagement/items/{item.pk}/edit/", edit).status_code == 302
    item.refresh_from_db()
    assert (item.raised_by, str(item.due_date), item.status) == ("the MEC", "2024-12-31", "open")  # status untouched
    assert not item.is_overdue(TODAY)
