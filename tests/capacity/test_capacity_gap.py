"""Gap, sharing and weighting on a small DC36 fixture; expected values worked out by hand below."""

from decimal import Decimal

import pytest

from ddm.capacity.models import RequirementOverride, Skill
from ddm.capacity.profile_weights import ProfileWeights, weight_from, weighted_requirement
from ddm.capacity.services import audit_subject, zone_skills, zone_skills_dict

# Defaults from data/requirements.csv: electrical_engineer B=1 C=0; civil_engineer B=2 C=2;
# disaster_officer B=0 C=2. DC36 = district municipality (C) + LIM361, LIM362, LIM366, LIM367, LIM368 (B).
FIXTURE = {
    "LIM362": [
        ("Ann", "electrical_engineer", 4, True),
        ("Ann", "electrical_engineer", 3, True),   # the same person twice counts once
        ("Ben", "electrical_engineer", 3, False),
        ("Cas", "electrical_engineer", 2, False),
        ("Dee", "electrical_engineer", 1, False),  # basic: a learner, not available
        ("", "electrical_engineer", 3, False),     # vacant post
    ],
    "LIM367": [("Eve", "civil_engineer", 2, True)],
    "LIM368": [("Fay", "electrical_engineer", 1, False)],
    "DC36": [("Gus", "financial_accountant", 3, True), ("Hal", "financial_accountant", 2, False)],
}


@pytest.fixture
def dc36(zone, make_audit, no_profile):
    for code, rows in FIXTURE.items():
        make_audit(code, rows)
    return lambda: zone_skills(zone("DC36"), no_profile)


def _line(report, code, skill):
    return next(b for b in report.bodies if b.place.code == code).lines[skill]


def test_municipal_lines_count_people_at_intermediate_or_above(dc36):
    report = dc36()
    line = _line(report, "LIM362", "electrical_engineer")
    # Ann, Ben, Cas available (3); below management Ben, Cas (2); Dee learner; one vacant post.
    assert (line.required, line.available, line.below_management, line.learners, line.vacant_posts) == (1, 3, 2, 1, 1)
    assert (line.gap, line.surplus) == (0, 2)
    assert _line(report, "LIM368", "electrical_engineer").available == 0
    assert _line(report, "LIM368", "electrical_engineer").gap == 1
    assert _line(report, "LIM361", "electrical_engineer").available is None  # no audit: unknown, not zero


def test_zone_totals_cover_audited_municipalities_only(dc36):
    report = dc36()
    assert [b.place.code for b in report.unaudited] == ["LIM361", "LIM366"]
    row = next(t for t in report.totals() if t["skill"].code == "electrical_engineer")
    # required: 5 locals x 1 + DC36 x 0 = 5; audited: LIM362, LIM367, LIM368 = 3.
    assert (row["required"], row["required_audited"], row["available"], row["below_management"]) == (5, 3, 3, 2)
    # learners: Dee (LIM362) + Fay (LIM368); gap: LIM367 1 + LIM368 1 (LIM362's surplus does not cancel).
    assert (row["learners"], row["gap"]) == (2, 2)
    assert [p.code for p in row["held_by"]] == ["LIM362"]


def test_sharing_moves_surplus_to_gaps_and_flags_the_hub(dc36):
    report = dc36()
    electrical = [(s.source.code, s.target.code, s.surplus, s.gap, s.share) for s in report.suggestions
                  if s.skill.code == "electrical_engineer"]
    assert electrical == [("LIM362", "LIM367", 2, 1, 1), ("LIM362", "LIM368", 2, 1, 1)]
    flags = {f["skill"].code: (f["gap"], [p.code for p in f["places"]]) for f in report.hub_flags}
    assert flags["disaster_officer"] == (2, ["DC36"])  # nobody audited has it; only DC36 (C) needs it
    assert "electrical_engineer" not in flags
    # civil engineers: Eve (LIM367) is the only one, no surplus anywhere: gaps 2+1+2+2 = 7 unmet.
    shortfalls = {f["skill"].code: f["unmet"] for f in report.shortfalls}
    assert shortfalls["civil_engineer"] == 7
    assert not any(s.skill.code == "civil_engineer" for s in report.suggestions)


def test_override_replaces_the_default_and_removes_the_surplus(dc36):
    RequirementOverride.objects.create(municipality=audit_subject("LIM362"),
                                       skill=Skill.objects.get(code="electrical_engineer"), required=4,
                                       reason="Medupi area growth")
    report = dc36()
    line = _line(report, "LIM362", "electrical_engineer")
    assert (line.required, line.override, line.gap, line.surplus) == (4, "Medupi area growth", 1, 0)
    assert not [s for s in report.suggestions if s.skill.code == "electrical_engineer"]
    assert {f["skill"].code: f["unmet"] for f in report.shortfalls}["electrical_engineer"] == 3


def test_json_shape(dc36):
    data = zone_skills_dict(dc36())
    assert data["zone"] == "DC36" and data["unaudited"] == ["LIM361", "LIM366"]
    assert {"skill": "electrical_engineer", "from": "LIM362", "to": "LIM367", "surplus": 2, "gap": 1,
            "share": 1} in data["sharing"]
    assert [m["code"] for m in data["municipalities"]] == ["DC36", "LIM361", "LIM362", "LIM366", "LIM367", "LIM368"]
    assert "misa" in data["agencies"]["infrastructure"]


# --- profile weighting -------------------------------------------------------------------------


class FakeProfile:
    BACKLOG_INDICATORS = {"water": "persons_no_piped_water"}
    # National (municipality level): (500 + 300 + 300) / (1000 + 3000 + 1000) = 0.22.
    VALUES = {
        ("persons_no_piped_water", "municipality"): {"AAA": Decimal(500), "BBB": Decimal(300), "CCC": Decimal(300)},
        ("population", "municipality"): {"AAA": Decimal(1000), "BBB": Decimal(3000), "CCC": Decimal(1000)},
        ("persons_no_piped_water", "zone"): {"DDD": Decimal(33)},
        ("population", "zone"): {"DDD": Decimal(100)},
    }

    def indicator_values(self, code, level="zone", year=None):
        return self.VALUES.get((code, level), {})


def test_weight_is_share_over_national_share_clamped_between_1_and_2():
    weights = ProfileWeights(services=FakeProfile())
    # AAA share 0.5 / 0.22 = 2.27 -> 2; BBB 0.1 / 0.22 = 0.45 -> 1; CCC 0.3 / 0.22 = 1.36.
    assert weights.weight("water", "AAA", "municipality").weight == Decimal("2")
    assert weights.weight("water", "BBB", "municipality").weight == Decimal("1")
    ccc = weights.weight("water", "CCC", "municipality")
    assert (ccc.weight, ccc.share, ccc.national_share) == (Decimal("1.36"), Decimal("0.3000"), Decimal("0.2200"))
    assert weights.weight("water", "DDD", "zone").weight == Decimal("1.50")  # 0.33 / 0.22


def test_missing_profile_data_gives_weight_1_and_says_so():
    absent = ProfileWeights(services=None).weight("water", "AAA", "municipality")
    assert absent.weight == 1 and "not available" in absent.note
    unknown = ProfileWeights(services=FakeProfile()).weight("water", "ZZZ", "municipality")
    assert unknown.weight == 1 and "ZZZ" in unknown.note
    assert ProfileWeights(services=FakeProfile()).weight("", "AAA", "municipality") is None  # skill not weighted


@pytest.mark.parametrize("default, weight, expected", [
    (1, Decimal("1.5"), 2), (2, Decimal("1.5"), 3), (1, Decimal("1.2"), 1), (0, Decimal("2"), 0),
    (15, Decimal("1.36"), 20), (3, Decimal("1"), 3),
])
def test_weighted_requirement_rounds_half_up_and_never_lowers(default, weight, expected):
    assert weighted_requirement(default, weight) == expected


def test_weight_from_without_national_share_is_1():
    assert weight_from(Decimal("0.5"), None) == 1


def test_weights_from_the_profiles_app_follow_the_rule(db):
    """Against the real profiles interface: recompute LIM367's water weight from indicator_values."""
    from ddm.profiles import services

    indicator = services.BACKLOG_INDICATORS["water"]
    values = services.indicator_values(indicator, level="municipality")
    population = services.indicator_values(services.BACKLOG_INDICATORS["population"], level="municipality")
    if not values.get("LIM367"):
        pytest.skip("profile indicators not loaded")
    codes = [c for c in values if population.get(c)]
    national = sum(values[c] for c in codes) / sum(population[c] for c in codes)
    expected = weight_from(values["LIM367"] / population["LIM367"], national)
    found = ProfileWeights().weight("water", "LIM367", "municipality")
    assert found.weight == expected and found.indicator == indicator and found.year


def test_zone_report_uses_the_weight_in_the_requirement(zone, make_audit):
    report = zone_skills(zone("DC36"))
    for body in report.bodies:
        for line in body.lines.values():
            if line.override:
                continue
            expected = weighted_requirement(line.default, line.weight.weight) if line.weight else line.default
            assert line.required == expected
