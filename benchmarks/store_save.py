"""Benchmark the trial store: one durable measurement save, and opening a large trial.

    python benchmarks/store_save.py [--saves 300] [--subjects 200] [--folder DIR]

1. The median time of one ``save_caliper`` action (permission and workflow checks, the
   length measured against the registered image, the upsert, one hash-chained audit row,
   ``COMMIT`` synced to disk, and the engine's result of the updated read returned), against
   a peer run in the
   same process on the same disk: a raw ``sqlite3`` INSERT + COMMIT with the same pragmas
   (WAL, ``synchronous=FULL``). The difference is what the store's rules cost.
2. A store with 200 subjects x 8 timepoints x 2 readers (3 lesions per read, viable and
   total calipers at each timepoint: 19,200 measurements and their audit rows): the time
   to open it, to build the coordinator's status, and to load one read; the peer is a raw
   ``sqlite3`` connect with the same pragmas and a ``COUNT(*)``.
3. ``audit verify``'s whole check of that store (chain, schema, the audit replayed against
   every table, anchors), against the chain check alone on the same file.

The last line printed is one JSON object with every figure (seconds).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from core.actions import (
    add_lesion,
    add_series,
    add_subject,
    add_timepoint,
    add_user,
    assign,
    change_password,
    get_read,
    my_tasks,
    save_caliper,
    trial_status,
)
from core.geometry import measure_caliper, plane_of_image
from core.model.imaging import ImageRecord
from core.model.reading import Caliper, LesionCategory
from core.model.trial import Session
from core.store import Store, init_store, ledger, login, open_store
from core.store.audit import verify
from core.store.auth import ScryptParams
from core.store.integrity import check_store

PASSWORD = "benchmark password"
TEMPORARY_PASSWORD = "benchmark temporary"
# Benchmark accounts need no real key stretching; login is not what is measured.
FAST_KDF = ScryptParams(n=2**10)


# The one image the save benchmark measures on: an axial 512² slice of 0.74 mm pixels.
IMAGE = ImageRecord("2.25.1234", 0, 512, 512, (-190.0, -180.0, -165.0), (1.0, 0.0, 0.0),
                    (0.0, 1.0, 0.0), (0.742, 0.742))


def _caliper(number: int) -> Caliper:
    return measure_caliper(plane_of_image(IMAGE), (100.0, 120.0),
                           (130.0, 150.0 + number / 10), IMAGE.sop_instance_uid)


def _add_reader(store: Store, admin: Session, login_name: str) -> int:
    """A reader who has chosen ``PASSWORD`` at the first log-in, as every new account must;
    their user id."""
    user = add_user(store, admin, login_name, login_name.title(), "reader",
                    TEMPORARY_PASSWORD, kdf=FAST_KDF)
    first = login(store, login_name, TEMPORARY_PASSWORD)
    change_password(store, first, TEMPORARY_PASSWORD, PASSWORD, kdf=FAST_KDF)
    return user.user_id


def bench_save(folder: Path, saves: int) -> dict[str, float]:
    """Median seconds of one durable save through the store and through raw sqlite3."""
    store = init_store(folder / "save.sqlite", "BENCH", "mRECIST", "admin", "Admin", PASSWORD,
                       kdf=FAST_KDF)
    admin = login(store, "admin", PASSWORD)
    _add_reader(store, admin, "reader")
    add_subject(store, admin, "S-001")
    add_timepoint(store, admin, "S-001", "Baseline", dt.date(2026, 1, 5), 0)
    add_series(store, admin, "S-001", "Baseline", series_instance_uid="2.25.99",
               study_instance_uid="2.25.98", modality="CT", phase="arterial",
               location="S-001", images=[IMAGE])
    assign(store, admin, "S-001", "reader", 1)
    reader = login(store, "reader", PASSWORD)
    task = my_tasks(store, reader)[0]
    baseline = get_read(store, reader, task.task_id).timepoints[0].timepoint_id
    lesion = add_lesion(store, reader, task.task_id, baseline, LesionCategory.TARGET,
                        "liver").value
    times = []
    for number in range(saves):
        started = time.perf_counter()
        save_caliper(store, reader, lesion.lesion_id, baseline, "viable", _caliper(number))
        times.append(time.perf_counter() - started)
    store.close()

    peer = sqlite3.connect(folder / "peer.sqlite", isolation_level=None)
    peer.execute("PRAGMA journal_mode=WAL")
    peer.execute("PRAGMA synchronous=FULL")
    peer.execute("CREATE TABLE m (id INTEGER PRIMARY KEY, length_mm TEXT, geometry TEXT)")
    peer_times = []
    for number in range(saves):
        started = time.perf_counter()
        peer.execute("BEGIN IMMEDIATE")
        peer.execute("INSERT INTO m (length_mm, geometry) VALUES (?, ?)",
                     (str(20 + number / 10), "[100.0, 120.0, 130.0, 150.0]"))
        peer.execute("COMMIT")
        peer_times.append(time.perf_counter() - started)
    peer.close()
    return {"save_median_s": statistics.median(times),
            "save_p90_s": statistics.quantiles(times, n=10)[-1],
            "peer_raw_insert_commit_median_s": statistics.median(peer_times)}


def _populate(path: Path, subjects: int, timepoints: int) -> None:
    """Fill a store through the ledger in one transaction per subject (audit rows too)."""
    store = init_store(path, "BENCH", "mRECIST", "admin", "Admin", PASSWORD, kdf=FAST_KDF)
    admin = login(store, "admin", PASSWORD)
    readers = {reader: _add_reader(store, admin, reader) for reader in ("reader1", "reader2")}
    start = dt.date(2024, 1, 1)
    for number in range(subjects):
        with store.transaction():
            sid = ledger.insert(store, admin.user_id, "subject", {"code": f"S-{number:03}"})
            tps = [ledger.insert(store, admin.user_id, "timepoint", {
                "subject_id": sid, "label": f"Week {6 * k}",
                "date": (start + dt.timedelta(days=42 * k)).isoformat(), "nominal_week": 6 * k})
                for k in range(timepoints)]
            for slot, reader in ((1, "reader1"), (2, "reader2")):
                actor = readers[reader]
                task = ledger.insert(store, admin.user_id, "task", {
                    "subject_id": sid, "reader_id": actor, "slot": slot})
                for tp in tps:
                    ledger.insert(store, admin.user_id, "read_timepoint",
                                  {"task_id": task, "timepoint_id": tp, "status": "signed"})
                for label in ("T1", "T2", "T3"):
                    lesion = ledger.insert(store, actor, "lesion", {
                        "task_id": task, "label": label, "category": "target",
                        "organ": "liver", "first_timepoint_id": tps[0]})
                    for tp in tps:
                        for kind in ("viable", "total"):
                            ledger.insert(store, actor, "measurement", {
                                "lesion_id": lesion, "timepoint_id": tp, "kind": kind,
                                "length_mm": "25.5", "start_rc": "[1, 2]", "end_rc": "[3, 4]",
                                "start_xyz": "[1, 2, 3]", "end_xyz": "[4, 5, 6]",
                                "sop_instance_uid": "2.25.1", "frame": 0})
    store.close()


def bench_verify(path: Path) -> dict[str, float]:
    """Seconds for the whole store check, against the chain check alone on the same file."""
    with open_store(path) as store:
        started = time.perf_counter()
        chain = verify(store)
        chain_s = time.perf_counter() - started
        started = time.perf_counter()
        found = check_store(store)
        check_s = time.perf_counter() - started
    if not found.is_intact:
        raise SystemExit(f"the benchmark store does not verify: {found.discrepancies[:3]}")
    return {"audit_rows": chain.rows_checked, "check_store_s": check_s,
            "peer_chain_only_s": chain_s}


def bench_open(folder: Path, subjects: int, timepoints: int = 8) -> dict[str, float]:
    """Seconds to open a large store, build the status, and load one read; and the peer."""
    path = folder / "large.sqlite"
    started = time.perf_counter()
    _populate(path, subjects, timepoints)
    populate_s = time.perf_counter() - started
    opens, statuses, reads, peers = [], [], [], []
    for _ in range(5):
        started = time.perf_counter()
        store = open_store(path)
        opens.append(time.perf_counter() - started)
        admin = login(store, "admin", PASSWORD)
        reader = login(store, "reader1", PASSWORD)
        started = time.perf_counter()
        trial_status(store, admin)
        statuses.append(time.perf_counter() - started)
        started = time.perf_counter()
        get_read(store, reader, my_tasks(store, reader)[-1].task_id)
        reads.append(time.perf_counter() - started)
        store.close()
        started = time.perf_counter()
        peer = sqlite3.connect(path)
        peer.execute("PRAGMA journal_mode=WAL")
        peer.execute("PRAGMA synchronous=FULL")
        peer.execute("SELECT COUNT(*) FROM measurements").fetchone()
        peer.close()
        peers.append(time.perf_counter() - started)
    return {**bench_verify(path), "populate_s": populate_s,
            "open_median_s": statistics.median(opens),
            "status_median_s": statistics.median(statuses),
            "load_read_median_s": statistics.median(reads),
            "peer_raw_open_count_median_s": statistics.median(peers),
            "file_mb": path.stat().st_size / 2**20}


def main() -> None:
    """Run both benchmarks and print the figures; the last line is JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=300)
    parser.add_argument("--subjects", type=int, default=200)
    parser.add_argument("--folder", type=Path, default=None,
                        help="where to put the stores (default: a temporary folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.folder) as name:
        folder = Path(name)
        figures = {"saves": args.saves, **bench_save(folder, args.saves)}
        print(f"durable save: median {figures['save_median_s'] * 1000:.2f} ms, "
              f"p90 {figures['save_p90_s'] * 1000:.2f} ms over {args.saves} saves; raw sqlite3 "
              f"INSERT+COMMIT {figures['peer_raw_insert_commit_median_s'] * 1000:.2f} ms")
        large = bench_open(folder, args.subjects)
        figures.update({"subjects": args.subjects, "timepoints": 8, "readers": 2, **large})
        print(f"store of {args.subjects} subjects x 8 timepoints x 2 readers "
              f"({large['file_mb']:.1f} MB, built in {large['populate_s']:.1f} s): open "
              f"{large['open_median_s'] * 1000:.2f} ms, status "
              f"{large['status_median_s'] * 1000:.2f} ms, one read "
              f"{large['load_read_median_s'] * 1000:.2f} ms; raw sqlite3 open+count "
              f"{large['peer_raw_open_count_median_s'] * 1000:.2f} ms")
        print(f"audit verify of its {large['audit_rows']} audit rows (chain, schema, every "
              f"table replayed, anchors): {large['check_store_s']:.2f} s; the chain alone "
              f"{large['peer_chain_only_s']:.2f} s")
    print(json.dumps({key: round(value, 6) if isinstance(value, float) else value
                      for key, value in figures.items()}))


if __name__ == "__main__":
    main()
