"""Population of places, for the per-capita figures of apps below profiles (investment).

The figures live in the profiles indicator store, and profiles sits above investment in the
dependency order (docs/architecture.md). So profiles registers its lookup here when Django starts
(`ProfilesConfig.ready`), and investment asks places: it never imports profiles.
"""

from collections.abc import Callable

PopulationLookup = Callable[[], dict[str, tuple[int, str]]]

_lookup: PopulationLookup | None = None


def register(lookup: PopulationLookup) -> None:
    """Called once by the profiles app: `lookup()` returns {place code: (people, source)}."""
    global _lookup  # set once, at start-up
    _lookup = lookup


def population_by_code() -> dict[str, tuple[int, str]]:
    """{place code: (people, source)} for zones and municipalities whose population is known."""
    if _lookup is None:
        raise RuntimeError("no population lookup registered: is ddm.profiles in INSTALLED_APPS?")
    return _lookup()
