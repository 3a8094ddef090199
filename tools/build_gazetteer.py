"""Dev-time tool, not part of the product: rebuild src/ddm/places/data/gazetteer.csv.gz from the packaged
inputs (see ddm.places.gazetteer_build), after refreshing any of them.

    python tools/build_gazetteer.py

A script rather than `python -m ddm.places.gazetteer_build`: Django must be set up before the places
models (which the gazetteer modules import) are loaded.
"""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ddm.settings")
django.setup()

from ddm.places.gazetteer_build import build_and_write  # noqa: E402
from ddm.places.locator import build_from_package  # noqa: E402

if __name__ == "__main__":
    print(build_and_write(build_from_package()))
