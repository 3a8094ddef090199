"""Candidate generation: which pairs of one zone's projects are worth scoring at all.

Scoring every pair is quadratic (a metro with 6,000 projects has 18 million pairs). Duplicates
almost always share a name (place, school, facility) or, when a title names nothing, a sector.
So within a zone, pairs are compared with rapidfuzz's `cdist` (C, multi-threaded) on their
normalised, token-sorted titles only inside these blocks:

1. projects sharing a name key (the first four letters of a name word, so "Ngqeleni" and the
   misspelt "Ngqeleli" meet) -- title likeness >= NAME_BLOCK_CUTOFF;
2. projects of the same sector where at least one title names nothing -- likeness >= NO_NAME_CUTOFF;
3. projects of the same sector whatever their names -- likeness >= ANY_CUTOFF (a safety net for
   names misspelt in their first letters).

Only the pairs that pass go to the full `score_pair` (Python).
"""

from collections import defaultdict

import numpy as np
from rapidfuzz import fuzz, process

NAME_BLOCK_CUTOFF = 45
NO_NAME_CUTOFF = 55
ANY_CUTOFF = 88
# Larger blocks are compared in row chunks so the score matrix stays small (CHUNK x block size).
CHUNK = 2000


def name_keys(record):
    return {name[:4] for name in record.norm.names}


def candidate_pairs(records):
    """Index pairs (i, j), i < j, of records (one zone's projects) worth scoring."""
    texts = [r.norm.sorted_text for r in records]
    pairs = set()
    by_key, by_sector = defaultdict(list), defaultdict(list)
    for index, record in enumerate(records):
        for key in name_keys(record):
            by_key[key].append(index)
        by_sector[record.sector].append(index)
    for members in by_key.values():
        _compare(members, members, texts, NAME_BLOCK_CUTOFF, pairs)
    for members in by_sector.values():
        nameless = [i for i in members if not records[i].norm.names]
        _compare(nameless, members, texts, NO_NAME_CUTOFF, pairs)
        _compare(members, members, texts, ANY_CUTOFF, pairs)
    return pairs


def _compare(rows, columns, texts, cutoff, pairs):
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
        for row, col in zip(*np.nonzero(matrix)):
            i, j = chunk[row], int(column_ids[col])
            if i != j:
                pairs.add((i, j) if i < j else (j, i))
