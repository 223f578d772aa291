"""Edits of one decision at the same time, from several threads (as a server's request threads do): each
waits for the one before, none fails, and every edit is kept in the history with its own version."""

from __future__ import annotations

import threading

from seamline.store import open_store

THREADS = 6
EDITS = 10


def test_concurrent_edits_of_one_decision_each_keep_their_version(database: tuple[str, str | None]) -> None:
    url, schema = database
    store = open_store(url, schema=schema)
    try:
        saved = store.create(
            name="Shared",
            situation={"name": "Shared"},
            knowledge_version="k",
            status="recommended",
            top_model="staff_augmentation",
            outputs={},
        )
        errors: list[str] = []
        done: list[int] = []

        def edit(worker: int) -> None:
            for n in range(EDITS):
                try:
                    if n % 3 == 2:
                        store.attach_contract(saved.id, {"worker": worker, "n": n})
                    else:
                        store.rename(saved.id, f"worker {worker} edit {n}")
                    done.append(1)
                except Exception as exc:  # any failure is what the test reports
                    errors.append(f"{type(exc).__name__}: {exc}")

        threads = [threading.Thread(target=edit, args=(w,)) for w in range(THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        current = store.get(saved.id)
        history = store.history(saved.id)
        assert current.version == 1 + THREADS * EDITS == 1 + len(done)
        assert sorted(v.version for v in history) == list(range(1, current.version))
    finally:
        store.engine.dispose()
