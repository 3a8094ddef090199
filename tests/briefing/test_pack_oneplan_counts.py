"""The briefing pack's One Plan section counts a started plan's content (it crashed on any zone with a plan)."""

import pytest

from ddm.accounts.models import Organisation, RoleKind
from ddm.briefing import pack
from ddm.oneplan import funding, workflow
from ddm.oneplan.models import Action, Commitment, FocalArea, Strategy

pytestmark = pytest.mark.django_db


def test_one_plan_section_counts_strategies_actions_commitments(make_user, zone):
    hub = make_user("hub-brief", RoleKind.HUB, zone=zone("DC15"))
    version = workflow.start_plan(zone("DC15"), hub).current
    area = FocalArea.objects.filter(version=version).first()
    strategy = workflow.save_content(Strategy(focal_area=area, title="Water"), version, hub, "Strategy")
    for title in ("Dam", "Pipes"):
        action = workflow.save_content(Action(strategy=strategy, title=title), version, hub, "Action")
    funding.save_commitment(Commitment(action=action, organisation=Organisation.objects.get(code="DC15")), hub,
                            projects=[], budget_lines=[])
    section = next(s for s in pack.build(zone("DC15"))["sections"] if s.key == "oneplan")
    counts = dict(section.tables[0].rows)
    assert counts["Focal areas"] == str(version.focal_areas.count())
    assert (counts["Strategies"], counts["Actions"], counts["Commitments"]) == ("1", "2", "1")
