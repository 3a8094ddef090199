"""Candidate generation: which pairs of one zone's projects are worth scoring at all.

Scoring every pair is quadratic (a metro with 6,000 projects has 18 million pairs). Duplicates
almost always share a name (place, school, facility) or, when a title names nothing, a sector.
So within a zone, pairs are compared with rapidfuzz's `cdist` (C, multi-threaded) on their
normalised, token-sorted titles only inside these blocks:

1. projects sharing a name -- or a spelling variant of it (1-2 edits, as the scorer allows), so
   "Ngqeleni" and the misspelt "Ngqeleli" meet -- title likeness >= NAME_BLOCK_CUTOFF;
2. projects of the same sector where at least one title names nothing -- likeness >= NO_NAME_CUTOFF;
3. projects of the same sector whatever their names -- likeness >= ANY_CUTOFF (a safety net).

Only the pairs that pass go to the full `score_pair` (Python).
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from ddm.alignment.duplicates.score import Record, allowed_edits

NAME_BLOCK_CUTOFF = 50
NO_NAME_CUTOFF = 55
ANY_CUTOFF = 95
# Larger blocks are compared in row chunks so the score matrix stays small (CHUNK x block size).
CHUNK = 2000


def name_variants(names: Iterable[str]) -> list[tuple[str, str]]:
    """Pairs (a, b) of distinct names that are spelling variants of each other (not chained):
    within the typos the scorer tolerates (score.allowed_edits, optimal string alignment)."""
    names = sorted(names)
    found = []
    for start in range(0, len(names), CHUNK):
        matrix = process.cdist(names[start:start + CHUNK], names, scorer=OSA.distance, dtype=np.uint8,
                               score_cutoff=2, workers=-1)
        for row, col in zip(*np.nonzero(matrix <= 2), strict=True):
            one, two = names[start + int(row)], names[int(col)]
            if start + int(row) < int(col) and matrix[row, col] <= allowed_edits(one, two):
                found.append((one, two))
    return found


def candidate_pairs(records: Sequence[Record]) -> set[tuple[int, int]]:
    """Index pairs (i, j), i < j, of records (one zone's projects) worth scoring."""
    texts = [r.norm.sorted_text for r in records]
    pairs = _name_pairs(records, texts)
    by_sector = defaultdict(list)
    for index, record in enumerate(records):
        by_sector[record.sector].append(index)
    for members in by_sector.values():
        nameless = [i for i in members if not records[i].norm.names]
        _compare(nameless, members, texts, NO_NAME_CUTOFF, pairs)
        _compare(members, members, texts, ANY_CUTOFF, pairs)
    return pairs


def _name_pairs(records: Sequence[Record], texts: list[str]) -> set[tuple[int, int]]:
    """Pairs sharing a name or a variant of it whose titles are at least NAME_BLOCK_CUTOFF alike."""
    by_name = defaultdict(list)
    for index, record in enumerate(records):
        for name in record.norm.names:
            by_name[name].append(index)
    chunks = []
    for members in by_name.values():
        if len(members) > 1:
            rows, cols = np.triu_indices(len(members), k=1)
            ids = np.asarray(members)
            chunks.append(np.stack([ids[rows], ids[cols]], axis=1))
    for one, two in name_variants(by_name):
        grid = np.array(np.meshgrid(by_name[one], by_name[two])).T.reshape(-1, 2)
        chunks.append(grid)
    if not chunks:
        return set()
    both = np.concatenate(chunks)
    both = np.unique(np.sort(both, axis=1), axis=0)
    both = both[both[:, 0] != both[:, 1]]
    scores = process.cpdist([texts[i] for i in both[:, 0]], [texts[j] for j in both[:, 1]], scorer=fuzz.ratio,
                            dtype=np.uint8, workers=-1)
    keep = both[scores >= NAME_BLOCK_CUTOFF]
    return {(int(i), int(j)) for i, j in keep}


def _compare(rows: list[int], columns: list[int], texts: list[str], cutoff: int, pairs: set[tuple[int, int]]) -> None:
    """Add (i, j) for rows x columns whose texts are at least `cutoff` alike."""
    if not rows or len(columns) < 2:
        return
    column_texts = [texts[j] for j in columns]
    column_ids = np.asarray(columns)
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start:start + CHUNK]
        matrix = process.cdist(
            [texts[i] for i in chunk], column_texts, scorer=fuzz.ratio, dtype=np.uint8,
            score_cutoff=cutoff, workers=-1,
        )
        for row, col in zip(*np.nonzero(matrix), strict=True):
            i, j = chunk[row], int(column_ids[col])
            if i != j:
                pairs.add((i, j) if i < j else (j, i))
