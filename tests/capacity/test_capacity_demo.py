"""Demo data: loaded through the real importer, labelled demo, idempotent."""

from ddm.capacity import setup as capacity_setup
from ddm.capacity.models import AuditEntry, Hub, SkillsAudit
from ddm.capacity.services import coverage, zone_skills
from ddm.engagement import setup as engagement_setup
from ddm.engagement.models import Event, Item


def _counts():
    return (Hub.objects.count(), SkillsAudit.objects.count(), AuditEntry.objects.count(), Event.objects.count(),
            Item.objects.count())


def test_demo_is_labelled_and_idempotent(db, zone):
    capacity_setup.load_demo(lambda message: None)
    engagement_setup.load_demo(lambda message: None)
    first = _counts()
    capacity_setup.load_demo(lambda message: None)
    engagement_setup.load_demo(lambda message: None)
    assert _counts() == first
    assert not Hub.objects.filter(is_demo=False).exists() and not SkillsAudit.objects.filter(is_demo=False).exists()
    assert all("(demo)" in hub.name for hub in Hub.objects.all())
    gauteng = Hub.objects.get(zones=zone("JHB"))
    assert sorted(z.code for z in gauteng.zones.all()) == ["EKU", "JHB", "TSH"]
    data = coverage()
    assert len(data["hubs"]) == Hub.objects.count()  # the Gauteng hub once, not three times
    report = zone_skills(zone("DC36"))
    assert sorted(b.place.code for b in report.audited) == ["DC36", "LIM362", "LIM367", "LIM368"]
    assert any(s.skill.code == "electrical_engineer" and s.source.code == "LIM362" for s in report.suggestions)
