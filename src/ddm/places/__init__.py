"""Places: country, provinces, the 52 zones, municipalities and wards, on one demarcation."""

# The Municipal Demarcation Board's boundaries every place, figure and lookup uses: the one place to change it.
CURRENT_DEMARCATION = 2020
