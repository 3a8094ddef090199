"""Every column kind the header detector recognises is handled by the locator path (issue #10:
a district column raised ``KeyError: 'district'``)."""

import pytest
from _intake_files import csv_file

from ddm.investment.intake.pipeline import run_import
from ddm.investment.intake.rows import PLACE_FIELDS, SYNONYMS
from ddm.investment.models import Project

pytestmark = pytest.mark.django_db

# One value per kind that the place registry knows, and the municipality/zone it must land in.
SAMPLES = {
    "ward": ("21507005", "ward", "EC157"),
    "municipality": ("King Sabata Dalindyebo", "municipality", "EC157"),
    "district": ("O.R. Tambo", "zone", None),
    "town": ("EC157", "municipality", "EC157"),
    "province": ("Eastern Cape", "province", None),
}
LOCATION_FIELDS = [*PLACE_FIELDS, "latitude", "longitude", "coordinates", "precision"]


def test_every_place_field_has_a_sample():
    assert set(SAMPLES) == set(PLACE_FIELDS)


@pytest.mark.parametrize("field", PLACE_FIELDS)
@pytest.mark.parametrize("header_form", ["canonical", "every synonym"])
def test_each_place_column_kind_locates(organisation, field, header_form):
    value, precision, municipality = SAMPLES[field]
    headers = [field] if header_form == "canonical" else SYNONYMS[field]
    for index, header in enumerate(headers):
        if field == "ward" and header.lower() in ("ward no", "ward number"):
            continue  # a ward number needs its municipality: covered below
        text = f"Project,{header},Budget 2019/20\nClinic {index},{value},100\n"
        dws = organisation("nat-water-and-sanitation")
        submission = run_import(csv_file(text), dws, None, "cli")
        assert submission.status == "committed", (header, submission.errors)
        project = Project.objects.get(organisation=dws, title=f"Clinic {index}")
        (location,) = project.locations.all()
        assert location.precision == precision, header
        if municipality:
            assert location.municipality.code == municipality


@pytest.mark.parametrize("field", LOCATION_FIELDS)
def test_unknown_values_in_each_location_column_are_row_errors_not_tracebacks(organisation, field):
    header = SYNONYMS[field][0]
    text = f"Project,{header},Budget 2019/20\nA,Nowhere-ville \"quoted\",100\nB,12345678901,5\n"
    submission = run_import(csv_file(text), organisation("nat-water-and-sanitation"), None, "cli")
    assert submission.status in ("rejected", "committed")
    assert not Project.objects.filter(title__in=["A", "B"]).exists() or submission.status == "committed"


def test_district_column_beside_municipality_column(organisation):
    text = "Project,District,Local municipality,Budget 2019/20\nRoads,OR Tambo,King Sabata Dalindyebo,100\n"
    dws = organisation("nat-water-and-sanitation")
    submission = run_import(csv_file(text), dws, None, "cli")
    assert submission.status == "committed", submission.errors
    (location,) = Project.objects.get(organisation=dws, title="Roads").locations.all()
    assert location.municipality.code == "EC157"


@pytest.mark.parametrize("text, expected, warning", [
    ("NP331", "LIM331", "now written LIM331"),
    ("EC103", "EC101", "today's EC101"),
    ("Ikwezi", "EC101", "former EC103 Ikwezi"),
    ("Hibiscus Coast", "KZN216", "today's KZN216"),
    ("Tlokwe", "NW405", "today's NW405"),
])
def test_former_mdb_codes_and_names_resolve_to_today_with_a_warning(organisation, text, expected, warning):
    csv = f"Project,Municipality,Budget 2019/20\nDam,{text},100\n"
    dws = organisation("nat-water-and-sanitation")
    submission = run_import(csv_file(csv), dws, None, "cli")
    assert submission.status == "committed", submission.errors
    (location,) = Project.objects.get(organisation=dws, title="Dam").locations.all()
    assert location.municipality.code == expected
    assert any(warning in w["message"] for w in submission.warnings), submission.warnings


@pytest.mark.parametrize("text", ["KZN283", "Ntambanana", "NP342", "LIM352"])
def test_a_split_municipality_is_an_error_listing_candidates(organisation, text):
    csv = f"Project,Municipality,Budget 2019/20\nDam,{text},100\n"
    submission = run_import(csv_file(csv), organisation("nat-water-and-sanitation"), None, "cli")
    assert submission.status == "rejected"
    message = submission.errors[0]["message"]
    assert "several municipalities" in message and "give today's code" in message


def test_crosswalk_successors_exist_today():
    from ddm.investment.intake.locating import crosswalk
    from ddm.places.models import Place

    codes = set(Place.objects.current().values_list("code", flat=True))
    assert all(code in codes for former in crosswalk().values() for code in former.successors)


def test_same_named_towns_resolved_with_the_submitters_province(organisation):
    csv = "Project,Town,Budget 2019/20\nRoad,Middelburg,100\n"
    mp = organisation("MP313")
    submission = run_import(csv_file(csv), mp, None, "cli")
    assert submission.status == "committed", submission.errors
    (location,) = Project.objects.get(organisation=mp, title="Road").locations.all()
    assert location.municipality.code == "MP313"
    chose = [w["message"] for w in submission.warnings if "names several places" in w["message"]]
    assert chose and "chose Middelburg" in chose[0] and "EC131" in chose[0]
    national = run_import(csv_file(csv), organisation("nat-water-and-sanitation"), None, "cli")
    assert national.status == "rejected" and "ambiguous" in national.errors[0]["message"]


def test_a_name_of_places_in_one_zone_is_placed_on_that_zone_with_a_warning(organisation):
    """Bakaneni is a village in two municipalities of Amathole (EC121 Mbhashe and EC122 Mnquma, as much
    evidence in each): the zone is known, the municipality is not. The project is placed on the zone (its
    figures count in DC12's quantum), never on one municipality by guess, and the warning says so."""
    csv = "Project,Town,Province,Budget 2019/20\nBorehole,Bakaneni,Eastern Cape,100\n"
    submission = run_import(csv_file(csv), organisation("nat-water-and-sanitation"), None, "cli")
    assert submission.status == "committed", submission.errors
    (location,) = Project.objects.get(title="Borehole").locations.all()
    assert (location.zone.code, location.municipality, location.precision) == ("DC12", None, "zone")
    (warning,) = [w["message"] for w in submission.warnings if "several municipalities" in w["message"]]
    assert "EC121" in warning and "EC122" in warning and "placed on the whole zone" in warning
