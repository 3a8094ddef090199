"""What the packaged source tables are, and the indicators derived from their counts.

Base counts get one indicator per (table, category): code "<table key>.<category slug>", e.g.
"cs2016.water_source.piped_tap_water_inside_yard". Derived indicators name the base codes they
sum (numerator) and divide by (denominator) so that the formula is recorded with the value and can
be recomputed at every level. Category mappings of the backlog counts are documented here.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from ddm.profiles.models import Category, Direction, Kind, Unit

CS2016 = ("Statistics South Africa (2016) South African Community Survey 2016, full population indicators; "
          "via Code for South Africa's Wazimap (OpenUpSA/wazimap-za, MIT)")
CENSUS2011 = ("Statistics South Africa (2011) South African Population Census 2011, re-aggregated to the 2016 "
              "municipal demarcation; via Code for South Africa's Wazimap (OpenUpSA/wazimap-za, MIT)")
MDB2020 = "Municipal Demarcation Board, 2020 demarcation boundaries (area computed from the boundary files)"


def slug(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")


@dataclass(frozen=True)
class Table:
    key: str
    file: str
    columns: tuple
    unit: str
    universe: str
    title: str
    category: str
    year: int
    source: str
    # Categories that are not parts of a whole (e.g. a 'total households' row, multiple-response tables).
    not_parts: tuple = ()

    def code(self, *labels: str) -> str:
        return ".".join([self.key, *(slug(label) for label in labels)])


TABLES = [
    Table("cs2016.sex", "cs2016/gender_2016.csv", ("gender",), Unit.PERSONS, "persons",
          "Persons by sex", Category.DEMOGRAPHY, 2016, CS2016),
    Table("cs2016.population_group", "cs2016/populationgroup_2016.csv", ("population_group",), Unit.PERSONS,
          "persons", "Persons by population group", Category.DEMOGRAPHY, 2016, CS2016),
    Table("cs2016.age", "cs2016/agegroupsin5years_2016.csv", ("age_groups_in_5_years",), Unit.PERSONS, "persons",
          "Persons by age (5-year groups)", Category.DEMOGRAPHY, 2016, CS2016),
    Table("cs2016.household_head", "cs2016/ageofhouseholdhead_genderofhouseholdhead_2016.csv",
          ("gender_of_household_head", "age_of_household_head"), Unit.HOUSEHOLDS, "households",
          "Households by sex and age of the household head", Category.DEMOGRAPHY, 2016, CS2016),
    Table("cs2016.education20", "cs2016/highesteducationallevel20_2016.csv", ("highest_educational_level",),
          Unit.PERSONS, "persons aged 20 and older", "Persons aged 20+ by highest level of education",
          Category.SOCIO_ECONOMIC, 2016, CS2016),
    Table("cs2016.water_source", "cs2016/sourceofwater_2016.csv", ("source_of_water",), Unit.PERSONS, "persons",
          "Persons by main source of water (counts persons, not households)", Category.SERVICES, 2016, CS2016),
    Table("cs2016.toilet", "cs2016/toiletfacilities_2016.csv", ("toilet_facilities",), Unit.PERSONS, "persons",
          "Persons by toilet facility (counts persons, not households)", Category.SERVICES, 2016, CS2016),
    Table("cs2016.refuse", "cs2016/refusedisposal_2016.csv", ("refuse_disposal",), Unit.PERSONS, "persons",
          "Persons by refuse disposal (counts persons, not households)", Category.SERVICES, 2016, CS2016),
    Table("cs2016.electricity", "cs2016/accesstoelectricity_2016.csv", ("access_to_electricity",), Unit.PERSONS,
          "persons", "Persons by access to electricity (counts persons, not households)", Category.SERVICES,
          2016, CS2016),
    Table("cs2016.dwelling", "cs2016/typeofdwelling_2016.csv", ("type_of_dwelling",), Unit.HOUSEHOLDS,
          "households", "Households by type of main dwelling", Category.SERVICES, 2016, CS2016),
    Table("cs2016.tenure", "cs2016/tenurestatus_2016.csv", ("tenure_status",), Unit.HOUSEHOLDS, "households",
          "Households by tenure status", Category.SERVICES, 2016, CS2016),
    Table("cs2016.internet", "cs2016/accesstointernet_2016.csv", ("access_to_internet",), Unit.HOUSEHOLDS,
          "households", "Households by access to the internet (multiple responses)", Category.SERVICES, 2016,
          CS2016, not_parts=("*",)),
    Table("census2011.employment", "census2011/officialemploymentstatus.csv", ("official_employment_status",),
          Unit.PERSONS, "persons", "Persons by official employment status", Category.SOCIO_ECONOMIC, 2011,
          CENSUS2011),
    Table("census2011.population", "census2011/population.csv", (), Unit.PERSONS, "persons",
          "Population (Census 2011)", Category.DEMOGRAPHY, 2011, CENSUS2011),
]
TABLE_BY_KEY = {table.key: table for table in TABLES}

AREA_CODE = "area_km2"


@dataclass(frozen=True)
class Derived:
    code: str
    name: str
    unit: str
    universe: str
    category: str
    numerator: tuple
    denominator: tuple = ()
    scale: Decimal = Decimal(1)
    direction: str = Direction.NEUTRAL
    decimals: int = 0
    year: int = 2016
    source: str = CS2016
    description: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return Kind.RATIO if self.denominator else Kind.SUM


def t(key: str, *labels: str) -> str:
    """Base code of one category of a table."""
    return TABLE_BY_KEY[key].code(*labels)


def whole(key: str) -> str:
    """Marker for 'every category of the table' (resolved by the loader against the file)."""
    return f"{key}.*"


WATER_IN_YARD = (t("cs2016.water_source", "Piped (tap) water inside the dwelling/house"),
                 t("cs2016.water_source", "Piped (tap) water inside yard"))
FLUSH = (t("cs2016.toilet", "Flush toilet connected to a public sewerage system"),
         t("cs2016.toilet", "Flush toilet connected to a septic tank or conservancy tank"))
# Below the basic sanitation level: no toilet, bucket toilets, pit latrines without ventilation.
NO_SANITATION = (t("cs2016.toilet", "None"), t("cs2016.toilet", "Bucket toilet (collected by municipality)"),
                 t("cs2016.toilet", "Bucket toilet (emptied by household)"),
                 t("cs2016.toilet", "Pit latrine/toilet without ventilation pipe"))
REFUSE_WEEKLY = (t("cs2016.refuse", "Removed by local authority/private company/community members at least once a week"),)
# No refuse removal service: own dump, or no disposal at all (communal dumps/containers count as a service).
NO_REFUSE = (t("cs2016.refuse", "Own refuse dump"),
             t("cs2016.refuse", "Dump or leave rubbish anywhere (no rubbish disposal)"))
INFORMAL = (t("cs2016.dwelling", "Informal dwelling (shack; in backyard)"),
            t("cs2016.dwelling",
              "Informal dwelling (shack; not in backyard; e.g. in an informal/squatter settlement or on a farm)"))
CHILD_HEADS = tuple(t("cs2016.household_head", sex, age) for sex in ("Male", "Female") for age in ("10 – 14", "15 – 17"))
FEMALE_HEADS = f"{t('cs2016.household_head', 'Female')}.*"
GRADE12_PLUS = tuple(t("cs2016.education20", label) for label in (
    "Grade 12/Standard 10/Form 5/Matric/NCV Level 4/ Occupational certificate NQF Level 3",
    "Diploma with Grade 12/Std 10/Occupational certificate NQF Level 6",
    "Higher/National/Advanced Certificate with Grade 12/Occupational certificate NQF",
    "Bachelors degree/Occupational certificate NQF Level 7",
    "Higher Diploma/Occupational certificate NQF Level 7",
    "Honours degree/Post-graduate diploma/Occupational certificate NQF Level 8",
    "Masters/Professional Masters at NQF Level 9 degree",
    "PHD (Doctoral degree/Professional doctoral degree at NQF Level 10)",
    "Post-Higher Diploma (Masters)",
    "N4/NTC 4/Occupational certificate NQF Level 5", "N5/NTC 5/Occupational certificate NQF Level 5",
    "N6/NTC 6/Occupational certificate NQF Level 5",
))
EMPLOYED = t("census2011.employment", "Employed")
UNEMPLOYED = t("census2011.employment", "Unemployed")
DISCOURAGED = t("census2011.employment", "Discouraged work-seeker")
HUNDRED = Decimal(100)
P, H = Unit.PERSONS, Unit.HOUSEHOLDS
DEMO, SOCIO, SERV, SPAT = Category.DEMOGRAPHY, Category.SOCIO_ECONOMIC, Category.SERVICES, Category.SPATIAL
WORSE, BETTER = Direction.HIGHER_WORSE, Direction.HIGHER_BETTER

# Order matters: an indicator may use those defined above it.
DERIVED = [
    Derived("population", "Population", P, "persons", DEMO, (whole("cs2016.sex"),),
            description="All persons (sum of the sex table)."),
    Derived("households", "Households", H, "households", DEMO, (whole("cs2016.dwelling"),),
            description="All households (sum of the type-of-dwelling table)."),
    # The CS 2016 totals under codes of their own: the denominators of the CS 2016 backlog rates
    # (ddm.profiles.services.BACKLOG_INDICATORS), which must not move to a newer census.
    Derived("population_cs2016", "Population (CS 2016)", P, "persons", DEMO, (whole("cs2016.sex"),),
            description="All persons of the Community Survey 2016 (sum of the sex table)."),
    Derived("households_cs2016", "Households (CS 2016)", H, "households", DEMO, (whole("cs2016.dwelling"),),
            description="All households of the Community Survey 2016 (sum of the type-of-dwelling table)."),
    Derived("female_population", "Female population", P, "persons", DEMO, (t("cs2016.sex", "Female"),)),
    Derived("pct_female", "Women and girls", Unit.PERCENT, "persons", DEMO, (t("cs2016.sex", "Female"),),
            (whole("cs2016.sex"),), HUNDRED, decimals=1),
    Derived("female_headed_households", "Female-headed households", H, "households", DEMO, (FEMALE_HEADS,)),
    Derived("pct_female_headed_households", "Female-headed households", Unit.PERCENT, "households", DEMO,
            (FEMALE_HEADS,), (whole("cs2016.household_head"),), HUNDRED, decimals=1),
    Derived("child_headed_households", "Child-headed households (head aged 10–17)", H, "households", DEMO,
            CHILD_HEADS, direction=WORSE),
    Derived("pct_child_headed_households", "Child-headed households (head aged 10–17)", Unit.PERCENT,
            "households", DEMO, CHILD_HEADS, (whole("cs2016.household_head"),), HUNDRED, WORSE, 2),
    Derived("adults_20plus", "Adults aged 20+", P, "persons aged 20 and older", SOCIO, (whole("cs2016.education20"),)),
    Derived("adults_no_schooling", "Adults aged 20+ with no schooling", P, "persons aged 20 and older", SOCIO,
            (t("cs2016.education20", "No schooling"),), direction=WORSE),
    Derived("pct_adults_no_schooling", "Adults aged 20+ with no schooling", Unit.PERCENT,
            "persons aged 20 and older", SOCIO, (t("cs2016.education20", "No schooling"),),
            (whole("cs2016.education20"),), HUNDRED, WORSE, 1),
    Derived("pct_adults_grade12_plus", "Adults aged 20+ with Grade 12 or higher", Unit.PERCENT,
            "persons aged 20 and older", SOCIO, GRADE12_PLUS, (whole("cs2016.education20"),), HUNDRED, BETTER, 1,
            description="Grade 12, diplomas and certificates with Grade 12, degrees, N4–N6."),
    Derived("employed", "Employed persons", P, "persons aged 15–64", SOCIO, (EMPLOYED,), year=2011,
            source=CENSUS2011),
    Derived("unemployed", "Unemployed persons (official definition)", P, "persons aged 15–64", SOCIO,
            (UNEMPLOYED,), direction=WORSE, year=2011, source=CENSUS2011),
    Derived("unemployment_rate", "Unemployment rate (official)", Unit.PERCENT, "labour force aged 15–64", SOCIO,
            (UNEMPLOYED,), (EMPLOYED, UNEMPLOYED), HUNDRED, WORSE, 1, 2011, CENSUS2011),
    Derived("unemployment_rate_expanded", "Unemployment rate (expanded, incl. discouraged work-seekers)",
            Unit.PERCENT, "expanded labour force aged 15–64", SOCIO, (UNEMPLOYED, DISCOURAGED),
            (EMPLOYED, UNEMPLOYED, DISCOURAGED), HUNDRED, WORSE, 1, 2011, CENSUS2011),
    Derived("density", "Population density", Unit.DENSITY, "persons per km² (2016 population, 2020 area)", SPAT,
            ("population",), (AREA_CODE,), decimals=1,
            description="CS 2016 population divided by the MDB 2020 area: the boundaries are four years "
                        "newer than the population count, so the density is approximate."),
    Derived("persons_piped_water", "Persons with piped water in their dwelling or yard", P, "persons", SERV,
            WATER_IN_YARD, direction=BETTER),
    Derived("persons_no_piped_water", "Persons without piped water in their dwelling or yard", P, "persons", SERV,
            (whole("cs2016.water_source"),), direction=WORSE,
            extra={"minus": WATER_IN_YARD},
            description="All persons of the water table minus those with piped water inside the dwelling or yard "
                        "(communal taps, boreholes, rivers, tankers, ... count as no piped water in the yard)."),
    Derived("pct_persons_piped_water", "Persons with piped water in their dwelling or yard", Unit.PERCENT,
            "persons", SERV, WATER_IN_YARD, (whole("cs2016.water_source"),), HUNDRED, BETTER, 1),
    Derived("persons_flush_toilet", "Persons with a flush toilet", P, "persons", SERV, FLUSH, direction=BETTER),
    Derived("pct_persons_flush_toilet", "Persons with a flush toilet (sewer or septic tank)", Unit.PERCENT, "persons",
            SERV, FLUSH, (whole("cs2016.toilet"),), HUNDRED, BETTER, 1),
    Derived("pct_persons_no_toilet", "Persons with no toilet", Unit.PERCENT, "persons", SERV,
            (t("cs2016.toilet", "None"),), (whole("cs2016.toilet"),), HUNDRED, WORSE, 1),
    Derived("persons_no_sanitation", "Persons below basic sanitation", P, "persons", SERV, NO_SANITATION,
            direction=WORSE,
            description="No toilet, bucket toilets (either kind) and pit latrines without ventilation pipe."),
    Derived("persons_refuse_weekly", "Persons whose refuse is removed at least weekly", P, "persons", SERV,
            REFUSE_WEEKLY, direction=BETTER),
    Derived("pct_persons_refuse_weekly", "Persons whose refuse is removed at least weekly", Unit.PERCENT, "persons",
            SERV, REFUSE_WEEKLY, (whole("cs2016.refuse"),), HUNDRED, BETTER, 1),
    Derived("persons_no_refuse_removal", "Persons with no refuse removal", P, "persons", SERV, NO_REFUSE,
            direction=WORSE, description="Own refuse dump, or rubbish dumped/left anywhere."),
    Derived("persons_no_electricity", "Persons with no access to electricity", P, "persons", SERV,
            (t("cs2016.electricity", "No access to electricity"),), direction=WORSE),
    Derived("pct_persons_no_electricity", "Persons with no access to electricity", Unit.PERCENT, "persons", SERV,
            (t("cs2016.electricity", "No access to electricity"),), (whole("cs2016.electricity"),), HUNDRED, WORSE, 1),
    Derived("households_informal_dwelling", "Households in an informal dwelling (shack)", H, "households", SERV,
            INFORMAL, direction=WORSE),
    Derived("households_informal_dwelling_cs2016", "Households in an informal dwelling (CS 2016)", H, "households",
            SERV, INFORMAL, direction=WORSE,
            description="The CS 2016 count under a code of its own: the housing backlog of the CS 2016 backlog rates."),
    Derived("pct_households_informal_dwelling", "Households in an informal dwelling (shack)", Unit.PERCENT,
            "households", SERV, INFORMAL, (whole("cs2016.dwelling"),), HUNDRED, WORSE, 1),
    Derived("pct_households_internet_dwelling", "Households with an internet connection in the dwelling",
            Unit.PERCENT, "households", SERV, (t("cs2016.internet", "Connection in the dwelling"),),
            (t("cs2016.internet", "total households"),), HUNDRED, BETTER, 1),
    Derived("pct_households_internet_cellphone", "Households with internet access via a cellphone",
            Unit.PERCENT, "households", SERV, (t("cs2016.internet", "Any place via cellphone"),),
            (t("cs2016.internet", "total households"),), HUNDRED, BETTER, 1),
]
DERIVED_BY_CODE = {d.code: d for d in DERIVED}
