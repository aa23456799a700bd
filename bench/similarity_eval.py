"""Precision and recall of the similarity levels on the labelled pairs in bench/data."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from consult.moderation.clustering import IDENTICAL, NEAR, SIMILAR, Item, cluster, pair_levels

DATA = Path(__file__).parent / "data" / "similarity_eval.json"
RANK = {IDENTICAL: 0, NEAR: 1, SIMILAR: 2, "none": 3}


def load(path: Path = DATA) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def evaluate(data: dict[str, Any] | None = None) -> dict[str, Any]:
    """Group every labelled comment as a version's rebuild would, then score the pairs.

    A pair counts as found at a level when both comments share a group of that level; a pair
    labelled identical is also a positive for near-identical and similar (the levels nest).
    """
    data = data or load()
    items = [Item(i["id"], i["provision"], i["text"]) for i in data["items"]]
    started = time.perf_counter()
    shared = pair_levels(cluster(items))
    seconds = time.perf_counter() - started
    result: dict[str, Any] = {"pairs": len(data["pairs"]), "seconds": round(seconds, 3)}
    misses: list[dict[str, Any]] = []
    for level in (IDENTICAL, NEAR, SIMILAR):
        tp = fp = fn = 0
        for pair in data["pairs"]:
            truth = RANK[pair["level"]] <= RANK[level]
            a, b = shared.get(pair["a"], {}), shared.get(pair["b"], {})
            found = level in a and a.get(level) == b.get(level)
            tp += truth and found
            fp += found and not truth
            fn += truth and not found
            if truth != found and level == SIMILAR:
                misses.append({**pair, "found": found})
        result[level] = {
            "positives": tp + fn,
            "precision": round(tp / (tp + fp), 3) if tp + fp else None,
            "recall": round(tp / (tp + fn), 3) if tp + fn else None,
            "false_positives": fp,
            "false_negatives": fn,
        }
    kinds = {i["id"]: i["kind"] for i in data["items"]}
    missed: dict[str, int] = {}
    for pair in misses:
        if not pair["found"]:
            key = kinds[pair["b"]]
            missed[key] = missed.get(key, 0) + 1
    result["similar_missed_by_kind"] = missed
    return result


if __name__ == "__main__":
    print(json.dumps(evaluate(), indent=1))
