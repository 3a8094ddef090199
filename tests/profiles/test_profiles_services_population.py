import pytest

from ddm.places.models import Place
from ddm.profiles.services import BACKLOG_INDICATORS, indicator_values, population_by_code

pytestmark = pytest.mark.django_db


def test_population_by_code_is_the_newest_published_figure_with_its_source():
    population = population_by_code()
    # Stats SA's own Census 2022 district figure (person-indicators-district.csv, DC15 total_pop_2022), not the
    # sum of its five municipalities (354,573 + 179,325 + 304,856 + 186,391 + 476,558 = 1,501,703).
    assert population["DC15"][0] == 1_501_702
    dc15 = Place.objects.municipalities().filter(parent__code="DC15").values_list("code", flat=True)
    assert sum(population[code][0] for code in dc15) == 1_501_703
    assert len([code for code in population if code.startswith("DC")]) == 44
    people, source = population["ETH"]
    assert people == 4_239_901 and "Census 2022" in source and source.endswith("(2022)")


def test_population_of_a_given_year_keeps_the_older_vintage():
    people, source = population_by_code(year=2016)["DC15"]
    assert people == 1_457_384 and "Community Survey 2016" in source


def test_backlog_denominators_stay_with_the_backlog_survey():
    """Backlog rates divide CS 2016 counts by the CS 2016 population, never by a newer census."""
    assert indicator_values(BACKLOG_INDICATORS["population"], "zone")["DC15"] == 1_457_384
    assert indicator_values(BACKLOG_INDICATORS["households"], "zone")["DC15"] == 314_079
