"""Concurrency for the PostgreSQL race tests."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any


def in_threads(jobs: Sequence[Callable[[], Any]]) -> list[Any]:
    """Run the jobs at the same moment, each in its own thread and database connection (the
    PostgreSQL concurrency tests); a job's exception is its result."""
    import threading

    from django.db import connection

    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = jobs[i]()
        except Exception as e:
            results[i] = e
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results
