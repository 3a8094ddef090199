"""Duplicate candidates: normalise titles, block, score pairs, group pairs into clusters.

Pure Python over `Record`s (no database), so the same code serves the register (see
ddm.alignment.review for loading a zone), the evaluation set and the benchmark.
"""

from collections.abc import Callable, Iterable

from ddm.alignment.duplicates.block import candidate_pairs
from ddm.alignment.duplicates.score import DEFAULT_THRESHOLD, Record, Scored, score_pair

__all__ = ["DEFAULT_THRESHOLD", "Record", "Scored", "clusters_of", "find_duplicates", "score_pair"]


def find_duplicates(records: list[Record], min_score: int = DEFAULT_THRESHOLD,
                    skip: Callable[[Record, Record], bool] | None = None) -> list[Scored]:
    """Scored pairs of records (one zone's projects) scoring >= min_score, best first.

    skip(a, b) -> True leaves a pair out (e.g. already reviewed and unchanged).
    """
    found = []
    for i, j in candidate_pairs(records):
        a, b = records[i], records[j]
        if a.id > b.id:
            a, b = b, a
        if skip is not None and skip(a, b):
            continue
        scored = score_pair(a, b)
        if scored.score >= min_score:
            found.append(scored)
    found.sort(key=lambda s: (-s.score, s.a.id, s.b.id))
    return found


def clusters_of(pairs: Iterable[Scored]) -> list[list[int]]:
    """Connected groups of records linked by the pairs: [[record ids, sorted]], largest first.

    A cluster of three or more means one undertaking probably reported three or more times.
    """
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for pair in pairs:
        ra, rb = root(pair.a.id), root(pair.b.id)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, list[int]] = {}
    for node in list(parent):
        groups.setdefault(root(node), []).append(node)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: (-len(g), g[0]))
