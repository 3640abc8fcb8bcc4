"""The recommendation engine alone: training time per recipe family and the engine's work
per request, on synthetic data the size of the issue's benchmark.

    python benchmarks/engine.py            # 1,000,000 interactions, ~50k users, ~10k items
    python benchmarks/engine.py --small    # 100,000 interactions (a smoke run)

Items and users are drawn zipf-like (a few very popular items and very active users, a
long tail), times spread over 30 days. Targets (issue 10): training <= 5 s per version on
a 2-core machine; a request a few tens of microseconds of engine work, so that
GetRecommendations stays within 2x DescribeCampaign. A request is timed as the first 25
answers of ``model.recommend``; "first" is a user's first request (no cached candidates),
"again" the same request repeated. It also times GetSolutionMetrics' work for
user personalization and prints the process's peak resident memory.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from array import array
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from personalize_fake._domain.engine import (
    Config,
    Interactions,
    Query,
    TrainingData,
    metrics,
    train,
)

RECIPES = (
    "aws-popularity-count",
    "aws-trending-now",
    "aws-user-personalization",
    "aws-personalized-ranking",
    "aws-sims",
    "aws-similar-items",
    "aws-item-affinity",
)


def synthetic(size: int, n_users: int, n_items: int, seed: int = 0) -> TrainingData:
    """``size`` interactions drawn zipf-like, with an Items dataset of one category field."""
    rng = np.random.default_rng(seed)
    item_p = 1 / np.arange(1, n_items + 1) ** 0.9
    user_p = 1 / np.arange(1, n_users + 1) ** 0.5
    items = rng.choice(n_items, size, p=item_p / item_p.sum())
    users = rng.choice(n_users, size, p=user_p / user_p.sum())
    times = np.sort(rng.uniform(1.7e9, 1.7e9 + 30 * 86400, size))
    item_ids = [f"item-{k}" for k in range(n_items)]
    interactions = Interactions(
        users=array("I", users.tolist()),
        items=array("I", items.tolist()),
        times=array("d", times.tolist()),
        event_types=array("I", [0]) * size,
        values=array("d", [float("nan")]) * size,
        user_ids=[f"user-{k}" for k in range(n_users)],
        item_ids=item_ids,
        event_type_names=["click"],
    )
    catalogue = {i: {"ITEM_ID": i, "GENRE": f"genre-{k % 40}"} for k, i in enumerate(item_ids)}
    return TrainingData(interactions, items=catalogue, now=float(times[-1]))


def per_request(model: object, queries: list[Query]) -> tuple[float, float]:
    """Microseconds per request (first 25 answers): first asked, then asked again."""
    recommend = model.recommend  # type: ignore[attr-defined]
    out = []
    for _ in range(2):
        start = time.perf_counter()
        for query in queries:
            for _answer, _ in zip(recommend(query), range(25), strict=False):
                pass
        out.append((time.perf_counter() - start) / len(queries) * 1e6)
    return out[0], out[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", action="store_true", help="100,000 interactions")
    args = parser.parse_args()
    size, n_users, n_items = (100_000, 5_000, 2_000) if args.small else (1_000_000, 50_000, 10_000)
    data = synthetic(size, n_users, n_items)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{size:,} interactions, {n_users:,} users, {n_items:,} items ({base:.0f} MiB)")
    users = [f"user-{k}" for k in range(0, n_users, max(1, n_users // 500))]
    ranking_input = [f"item-{k}" for k in range(0, n_items, max(1, n_items // 100))]
    for name in RECIPES:
        start = time.perf_counter()
        model = train(Config(name), data)
        trained = time.perf_counter() - start
        line = f"{name:28} train {trained:6.2f} s"
        if name == "aws-personalized-ranking":
            queries = [Query(user=u, items=ranking_input) for u in users]
            first, again = per_request(model, queries)
            line += f"   rank 100 items: first {first:6.0f} us, again {again:6.0f} us"
        elif name in ("aws-sims", "aws-similar-items"):
            queries = [Query(item=f"item-{k}") for k in range(0, n_items, n_items // 500)]
            first, again = per_request(model, queries)
            line += f"   request: {first:6.1f} us"
        elif name != "aws-item-affinity":
            first, again = per_request(model, [Query(user=u) for u in users])
            line += f"   request: first {first:6.1f} us, again {again:6.1f} us"
        else:
            start = time.perf_counter()
            model.segment({"item-5", "item-77"})
            line += f"   segment 2 items: {(time.perf_counter() - start) * 1e3:6.1f} ms"
        print(line, flush=True)
    start = time.perf_counter()
    metrics(Config("aws-user-personalization"), data)
    print(f"metrics (split, train, rank held-out users): {time.perf_counter() - start:.2f} s")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory of the process: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
