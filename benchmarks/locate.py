"""Batch locator vs geopandas sjoin: 1,000,000 random points in South Africa's bounding box.

Run: .venv/bin/python benchmarks/locate.py [N]   (needs `ddm setup` done and geopandas installed:
`pip install -e ".[bench]"`). Prints points/second for both, their ratio (target >= 3x) and checks
that both give the same municipality for every point.
"""

import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ddm.settings")
django.setup()

import numpy as np  # noqa: E402

from ddm.places.locator import build_from_db  # noqa: E402

BBOX = (16.45, -34.84, 32.95, -22.12)  # South Africa's mainland bounding box (lon/lat)


def random_points(n, seed=2020):
    rng = np.random.default_rng(seed)
    return rng.uniform(BBOX[1], BBOX[3], n), rng.uniform(BBOX[0], BBOX[2], n)


def best_of(runs, func):
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - started)
    return min(times), result


def geopandas_codes(locator, lats, lons):
    import geopandas

    polygons = geopandas.GeoDataFrame({"code": locator.codes}, geometry=list(locator.geometries), crs="EPSG:4326")

    def run():
        points = geopandas.GeoDataFrame(geometry=geopandas.points_from_xy(lons, lats), crs="EPSG:4326")
        joined = geopandas.sjoin(points, polygons, how="left", predicate="within")
        # A point on a shared boundary can match twice in theory; keep the first (code order).
        joined = joined[~joined.index.duplicated(keep="first")]
        return joined["code"].to_numpy(dtype=object)

    return run


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    started = time.perf_counter()
    locator = build_from_db()
    build = time.perf_counter() - started
    lats, lons = random_points(n)
    locator.locate_many(lats[:1000], lons[:1000])  # warm-up

    ddm_time, ddm_codes = best_of(3, lambda: locator.locate_many(lats, lons))
    gpd_time, gpd_codes = best_of(3, geopandas_codes(locator, lats, lons))
    gpd_codes = np.array([c if isinstance(c, str) else None for c in gpd_codes], dtype=object)

    single_lat, single_lon = -29.8587, 31.0218
    locator.locate(single_lat, single_lon)
    single_time, _ = best_of(5, lambda: [locator.locate(single_lat, single_lon) for _ in range(1000)])

    identical = bool((ddm_codes == gpd_codes).all())
    print(f"points: {n:,} random in bbox {BBOX}; {np.count_nonzero(ddm_codes != None):,} in South Africa")  # noqa: E711
    print(f"locator build: {build:.2f} s; grid {locator.grid_stats()}")
    print(f"DDM locate_many:  {n / ddm_time:>12,.0f} points/s ({ddm_time:.3f} s, best of 3)")
    print(f"geopandas sjoin:  {n / gpd_time:>12,.0f} points/s ({gpd_time:.3f} s, best of 3)")
    print(f"ratio: {gpd_time / ddm_time:.1f}x (target >= 3x)")
    print(f"single locate (with ward): {single_time:.3f} ms per point (target < 1 ms)")
    print(f"identical results: {identical}")
    if not identical:
        differ = np.flatnonzero(ddm_codes != gpd_codes)
        print(f"{differ.size} points differ, e.g. {[(lats[i], lons[i], ddm_codes[i], gpd_codes[i]) for i in differ[:5]]}")
        sys.exit(1)


if __name__ == "__main__":
    main()
