"""Check a store file against everything that can vouch for it.

Four checks, each defending against a different change by someone with the file in hand
(docs/security.md §3):

- the chain: a row of the audit edited or removed in the middle;
- the schema: a trigger dropped or changed, an object added;
- the ledger replay: a row of a table changed, added or removed by direct SQL;
- the anchors: the audit truncated, or rewritten with every hash recomputed, back to the
  oldest anchor that still differs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from core.errors import StoreError
from core.store.anchors import Anchor, checkpoint_path, lines_problems, read_anchors
from core.store.audit import AuditVerdict, verify
from core.store.db import Store
from core.store.replay import Discrepancy, ledger_discrepancies, schema_discrepancies


@dataclass(frozen=True, slots=True)
class StoreCheck:
    """What the store check found: the chain, then every other discrepancy."""

    chain: AuditVerdict
    discrepancies: tuple[Discrepancy, ...]
    anchors_checked: int
    audit_rows: int
    unanchored_rows: int  # rows after the last anchor: a crash between commit and anchor

    @property
    def is_intact(self) -> bool:
        """True when nothing was found."""
        return self.chain.is_intact and not self.discrepancies


def anchor_discrepancies(store: Store, source: str, anchors: Sequence[Anchor]
                         ) -> list[Discrepancy]:
    """Anchors the audit no longer reaches (truncated) or no longer matches (rewritten)."""
    found = []
    count_row = store._row("SELECT COUNT(*) AS n FROM audit")
    count = int(count_row["n"]) if count_row else 0
    for anchor in anchors:
        row = store._row("SELECT hash FROM audit WHERE id = ?", (anchor.rows,))
        when = f"the anchor of {anchor.utc or 'unknown time'} in {source}"
        if row is None:
            found.append(Discrepancy("audit", None, f"truncated: {when} records "
                                     f"{anchor.rows} rows, the audit has {count}"))
            break
        if row["hash"] != anchor.head:
            found.append(Discrepancy("audit", anchor.rows, f"rewritten: its hash differs "
                                     f"from {when}"))
            break
    return found


def check_store(store: Store, anchor_files: Sequence[Path] = ()) -> StoreCheck:
    """Run every check on *store*; *anchor_files* are anchors besides its checkpoint file.

    Raises
    ------
    StoreError
        If one of *anchor_files* cannot be read (the checkpoint file beside the store is
        itself a finding when missing or unreadable, not an error).
    """
    extra = [(str(path), read_anchors(path)) for path in anchor_files]
    with store.snapshot():
        chain = verify(store)
        found = schema_discrepancies(store) + ledger_discrepancies(store)
        checkpoint = checkpoint_path(store.path)
        own: list[Anchor] = []
        try:
            own = read_anchors(checkpoint)
        except StoreError as error:
            found.append(Discrepancy("anchors", None, f"checkpoint file {checkpoint.name}: "
                                     f"{error.reason}; truncation and re-hashing of the "
                                     "audit cannot be ruled out"))
        found += [Discrepancy("anchors", None, f"checkpoint file {checkpoint.name} {problem}")
                  for problem in (lines_problems(own) if own else [])]
        for source, anchors in [(checkpoint.name, own), *extra]:
            found += anchor_discrepancies(store, source, anchors)
        head = store.audit_head()
    rows = head.rows if head else 0
    last = max((anchor.rows for anchor in own), default=0)
    return StoreCheck(chain, tuple(found), sum(len(a) for _, a in extra) + len(own), rows,
                      max(rows - last, 0))
