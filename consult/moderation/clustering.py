"""Grouping comments into identical, near-identical and similar-point groups (pure functions).

Identical: the same words once case, accents' composition, punctuation and spacing are
normalised. Near-identical: a Jaccard similarity of word 3-shingles of at least NEAR_JACCARD,
candidates found by MinHash LSH (datasketch) and then checked exactly. Similar point: TF-IDF
cosine (scikit-learn) of at least SIMILAR_COSINE between comments on the same provision. The
levels nest: an identical pair is near-identical, a near-identical pair makes a similar point.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from flask_babel import gettext

from consult.comments.fingerprint import NUM_PERM, minhash_of, shingles, signature, tokens
from consult.moderation.models import N_

IDENTICAL, NEAR, SIMILAR = "identical", "near", "similar"
LEVELS = {
    IDENTICAL: N_("Identical"),
    NEAR: N_("Near-identical"),
    SIMILAR: N_("Similar point"),
}


def level_labels() -> dict[str, str]:
    """The levels' names in the current language."""
    return {level: gettext(label) for level, label in LEVELS.items()}


NEAR_JACCARD = 0.5
# Chosen on bench/data/similarity_eval.json (no held-out set): paraphrases score 0.08-0.33,
# different points on the same provision up to 0.21.
SIMILAR_COSINE = 0.22


@dataclass
class Item:
    """One comment to group: its id, provision and text; its MinHash if already stored."""

    id: int
    provision: int
    text: str
    minhash: bytes | None = None


class _Union:
    def __init__(self, ids: Iterable[int]) -> None:
        self.parent = {i: i for i in ids}

    def find(self, i: int) -> int:
        root = i
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[i] != root:
            self.parent[i], i = root, self.parent[i]
        return root

    def join(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # The smaller id (the earlier comment) stays the root.
            self.parent[max(ra, rb)] = min(ra, rb)

    def groups(self) -> list[list[int]]:
        found: dict[int, list[int]] = defaultdict(list)
        for i in self.parent:
            found[self.find(i)].append(i)
        return sorted(
            (sorted(g) for g in found.values() if len(g) > 1), key=lambda g: (-len(g), g[0])
        )


def _jaccard(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def _leaders(
    items: Sequence[Item], indexes: list[int], matrix: Any, threshold: float, union: _Union
) -> None:
    """Leader clustering on one provision: each comment joins the most similar earlier leader
    (cosine >= threshold) or leads a group of its own. Unlike single linkage, a chain of
    slightly similar comments cannot pull a whole provision into one group."""
    part = matrix[indexes]
    scores = (part @ part.T).tocsr()
    is_leader = np.zeros(len(indexes), dtype=bool)
    for a in range(len(indexes)):
        start, end = scores.indptr[a], scores.indptr[a + 1]
        cols, values = scores.indices[start:end], scores.data[start:end]
        mask = is_leader[cols] & (cols < a) & (values >= threshold)
        if mask.any():
            best = cols[mask][int(np.argmax(values[mask]))]
            union.join(items[indexes[best]].id, items[indexes[a]].id)
        else:
            is_leader[a] = True


def cluster(
    items: Sequence[Item],
    *,
    near_jaccard: float = NEAR_JACCARD,
    similar_cosine: float = SIMILAR_COSINE,
    step: Callable[[int], None] | None = None,
) -> dict[str, list[list[int]]]:
    """{level: groups of ids (two or more, largest first)} for these comments."""
    # Imported here: scikit-learn takes most of a second to import, and only rebuilds need it.
    from datasketch import MinHashLSH
    from sklearn.feature_extraction.text import TfidfVectorizer

    advance = step or (lambda n: None)
    words = {item.id: tokens(item.text) for item in items}
    union = _Union(words)
    # 1. identical: the same normalised words
    by_text: dict[tuple[str, ...], int] = {}
    for item in items:
        key = tuple(words[item.id])
        if not key:
            continue
        first = by_text.setdefault(key, item.id)
        union.join(first, item.id)
    identical = union.groups()
    advance(len(items) // 3)
    # 2. near-identical: LSH candidates among distinct texts, verified by exact Jaccard
    # A lower LSH threshold than the verified one: fewer true pairs missed by the banding.
    lsh = MinHashLSH(threshold=max(near_jaccard - 0.2, 0.1), num_perm=NUM_PERM)
    distinct = [item for item in items if by_text.get(tuple(words[item.id])) == item.id]
    sets: dict[int, set[str]] = {}

    def shingled(comment_id: int) -> set[str]:
        # Only for a signature not stored yet, and for LSH candidates: most comments need none.
        found = sets.get(comment_id)
        if found is None:
            found = sets[comment_id] = shingles(words[comment_id])
        return found

    hashes = {}
    with lsh.insertion_session() as session:
        for item in distinct:
            raw = item.minhash or signature(words[item.id], shingled(item.id))
            hashes[item.id] = minhash_of(raw)
            session.insert(item.id, hashes[item.id], check_duplication=False)
    for item in distinct:
        for other in lsh.query(hashes[item.id]):
            if other < item.id and _jaccard(shingled(item.id), shingled(other)) >= near_jaccard:
                union.join(other, item.id)
    near = union.groups()
    advance(len(items) // 3)
    # 3. similar point: TF-IDF cosine between comments on the same provision
    if len(items) > 1:
        vectorizer = TfidfVectorizer(sublinear_tf=True, stop_words="english")
        matrix = vectorizer.fit_transform([" ".join(words[item.id]) for item in items])
        rows: dict[int, list[int]] = defaultdict(list)
        for index, item in enumerate(items):
            rows[item.provision].append(index)
        for indexes in rows.values():
            if len(indexes) > 1:
                _leaders(items, indexes, matrix, similar_cosine, union)
    similar = union.groups()
    advance(len(items) - 2 * (len(items) // 3))
    return {IDENTICAL: identical, NEAR: near, SIMILAR: similar}


def pair_levels(groups: dict[str, list[list[int]]]) -> dict[int, dict[str, int]]:
    """{comment id: {level: group index}}: whether two comments share a group at a level."""
    found: dict[int, dict[str, int]] = defaultdict(dict)
    for level, level_groups in groups.items():
        for index, members in enumerate(level_groups):
            for member in members:
                found[member][level] = index
    return found
