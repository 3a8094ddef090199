import pytest

from ddm.capacity.models import AuditEntry, Skill, SkillsAudit
from ddm.capacity.services import audit_subject


class NoProfile:
    """Profile services without data: every weight is 1 (keeps hand-computed gaps simple)."""

    BACKLOG_INDICATORS = {"water": "persons_no_piped_water", "sanitation": "persons_no_toilet",
                          "electricity": "persons_no_electricity", "refuse": "persons_no_refuse_removal",
                          "housing": "households_informal_dwelling", "education": "adults_no_schooling"}

    def indicator_values(self, code, level="zone", year=None):
        return {}


@pytest.fixture
def no_profile():
    from ddm.capacity.profile_weights import ProfileWeights

    return ProfileWeights(services=NoProfile())


@pytest.fixture
def make_audit(db):
    """make_audit("LIM362", [(person, skill_code, level, is_management), ...]); person "" = vacant post."""

    def make(code, rows):
        audit = SkillsAudit.objects.create(municipality=audit_subject(code), filename=f"{code}.csv")
        skills = {s.code: s for s in Skill.objects.all()}
        AuditEntry.objects.bulk_create(
            AuditEntry(audit=audit, row=n, post_title="Post", person_name=person, skill=skills[skill], level=level,
                       is_management=mgmt)
            for n, (person, skill, level, mgmt) in enumerate(rows, start=2))
        return audit

    return make
