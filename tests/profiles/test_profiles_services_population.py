import pytest

from ddm.places.models import Place
from ddm.profiles.services import population_by_code

pytestmark = pytest.mark.django_db


def test_population_by_code_covers_zones_and_municipalities_with_their_source():
    population = population_by_code()
    dc15_municipalities = Place.objects.municipalities().filter(parent__code="DC15").values_list("code", flat=True)
    assert population["DC15"][0] == sum(population[code][0] for code in dc15_municipalities)
    assert len([code for code in population if code.startswith("DC")]) == 44
    people, source = population["ETH"]
    assert people > 3_000_000 and "Community Survey 2016" in source and source.endswith("(2016)")
