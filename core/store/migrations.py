"""The trial store's schema, one ``sqlite_utils.Migrations`` step per version.

Steps are never edited once released: a change is a new step, and
``tests/core/store/test_migrations.py`` migrates a store from every earlier step.
``CHECK`` constraints and triggers need SQL, so each step is a list of statements.
"""

from __future__ import annotations

import datetime as dt

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from core.store.audited import (
    BASELINE,
    BASELINE_START,
    ENTITY_TABLES,
    GROUP_COLUMNS,
    recorded,
)
from core.store.chain import GENESIS_HASH, digest, row_hash, to_json

migrations = Migrations("mrecist_store")


def _run(db: Database, statements: tuple[str, ...]) -> None:
    for statement in statements:
        db.execute(statement)


@migrations()
def m001_trial_users_subjects(db: Database) -> None:
    """Trial, users, subjects, timepoints, series, reading tasks and the audit trail."""
    _run(db, (
        """CREATE TABLE trial (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            name TEXT NOT NULL,
            criteria TEXT NOT NULL CHECK (criteria IN ('mRECIST', 'RECIST1.1')),
            options_json TEXT NOT NULL DEFAULT '{}',
            triggers_json TEXT NOT NULL,
            created_utc TEXT NOT NULL)""",
        """CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            login TEXT NOT NULL UNIQUE,
            display_name TEXT NOT NULL,
            role TEXT NOT NULL
                CHECK (role IN ('reader', 'adjudicator', 'coordinator', 'admin')),
            password_hash TEXT NOT NULL,
            failed_logins INTEGER NOT NULL DEFAULT 0,
            is_locked INTEGER NOT NULL DEFAULT 0,
            is_active INTEGER NOT NULL DEFAULT 1,
            created_utc TEXT NOT NULL)""",
        "CREATE TABLE subjects (id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE)",
        """CREATE TABLE timepoints (
            id INTEGER PRIMARY KEY,
            subject_id INTEGER NOT NULL REFERENCES subjects(id),
            label TEXT NOT NULL,
            date TEXT NOT NULL,
            nominal_week INTEGER,
            UNIQUE (subject_id, label),
            UNIQUE (subject_id, date))""",
        """CREATE TABLE series (
            id INTEGER PRIMARY KEY,
            timepoint_id INTEGER NOT NULL REFERENCES timepoints(id),
            series_instance_uid TEXT NOT NULL UNIQUE,
            study_instance_uid TEXT NOT NULL,
            modality TEXT NOT NULL,
            phase TEXT NOT NULL,
            location TEXT NOT NULL)""",
        """CREATE TABLE tasks (
            id INTEGER PRIMARY KEY,
            subject_id INTEGER NOT NULL REFERENCES subjects(id),
            reader_id INTEGER NOT NULL REFERENCES users(id),
            slot INTEGER NOT NULL CHECK (slot IN (1, 2)),
            UNIQUE (subject_id, slot),
            UNIQUE (subject_id, reader_id))""",
        """CREATE TABLE audit (
            id INTEGER PRIMARY KEY,
            utc TEXT NOT NULL,
            user_id INTEGER,
            action TEXT NOT NULL,
            entity TEXT NOT NULL,
            entity_id INTEGER,
            before_json TEXT,
            after_json TEXT,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL)""",
        """CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
            BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END""",
        """CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
            BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END""",
    ))


@migrations()
def m002_reads(db: Database) -> None:
    """Per read: timepoint states, lesions, calipers, findings, signatures, amendments."""
    _run(db, (
        """CREATE TABLE signatures (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id),
            signer_name TEXT NOT NULL,
            signed_utc TEXT NOT NULL,
            meaning TEXT NOT NULL,
            entity TEXT NOT NULL,
            entity_id INTEGER NOT NULL,
            content_sha256 TEXT NOT NULL)""",
        """CREATE TABLE read_timepoints (
            id INTEGER PRIMARY KEY,
            task_id INTEGER NOT NULL REFERENCES tasks(id),
            timepoint_id INTEGER NOT NULL REFERENCES timepoints(id),
            status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'signed', 'amending')),
            not_assessed INTEGER NOT NULL DEFAULT 0,
            signature_id INTEGER REFERENCES signatures(id),
            UNIQUE (task_id, timepoint_id))""",
        """CREATE TABLE lesions (
            id INTEGER PRIMARY KEY,
            task_id INTEGER NOT NULL REFERENCES tasks(id),
            label TEXT NOT NULL,
            category TEXT NOT NULL CHECK (category IN ('target', 'non_target', 'new')),
            organ TEXT NOT NULL,
            first_timepoint_id INTEGER NOT NULL REFERENCES timepoints(id),
            is_node INTEGER NOT NULL DEFAULT 0,
            is_previously_treated INTEGER NOT NULL DEFAULT 0,
            is_porta_hepatis INTEGER NOT NULL DEFAULT 0,
            kind TEXT,
            location TEXT,
            UNIQUE (task_id, label))""",
        """CREATE TABLE measurements (
            id INTEGER PRIMARY KEY,
            lesion_id INTEGER NOT NULL REFERENCES lesions(id) ON DELETE CASCADE,
            timepoint_id INTEGER NOT NULL REFERENCES timepoints(id),
            kind TEXT NOT NULL CHECK (kind IN ('viable', 'total', 'short_axis')),
            length_mm TEXT NOT NULL,
            start_rc TEXT NOT NULL,
            end_rc TEXT NOT NULL,
            start_xyz TEXT NOT NULL,
            end_xyz TEXT NOT NULL,
            sop_instance_uid TEXT NOT NULL,
            frame INTEGER NOT NULL DEFAULT 0,
            UNIQUE (lesion_id, timepoint_id, kind))""",
        """CREATE TABLE findings (
            id INTEGER PRIMARY KEY,
            lesion_id INTEGER NOT NULL REFERENCES lesions(id) ON DELETE CASCADE,
            timepoint_id INTEGER NOT NULL REFERENCES timepoints(id),
            state TEXT,
            arterial_enhancement INTEGER NOT NULL DEFAULT 0,
            washout INTEGER NOT NULL DEFAULT 0,
            is_equivocal INTEGER NOT NULL DEFAULT 0,
            is_cytology_confirmed INTEGER NOT NULL DEFAULT 0,
            UNIQUE (lesion_id, timepoint_id))""",
        """CREATE TABLE amendments (
            id INTEGER PRIMARY KEY,
            read_timepoint_id INTEGER NOT NULL REFERENCES read_timepoints(id),
            user_id INTEGER NOT NULL REFERENCES users(id),
            reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
            created_utc TEXT NOT NULL,
            signature_id INTEGER REFERENCES signatures(id))""",
    ))


@migrations()
def m003_adjudication(db: Database) -> None:
    """Adjudications of discordant subjects and final results per subject and cycle."""
    _run(db, (
        """CREATE TABLE adjudications (
            id INTEGER PRIMARY KEY,
            subject_id INTEGER NOT NULL REFERENCES subjects(id),
            through_timepoint_id INTEGER NOT NULL REFERENCES timepoints(id),
            task_a_id INTEGER NOT NULL REFERENCES tasks(id),
            task_b_id INTEGER NOT NULL REFERENCES tasks(id),
            triggers_json TEXT NOT NULL,
            result_a_json TEXT NOT NULL,
            result_b_json TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'open'
                CHECK (status IN ('open', 'decided', 'superseded')),
            adjudicator_id INTEGER REFERENCES users(id),
            chosen TEXT CHECK (chosen IN ('A', 'B')),
            rationale TEXT,
            signature_id INTEGER REFERENCES signatures(id),
            created_utc TEXT NOT NULL)""",
        """CREATE TABLE final_results (
            id INTEGER PRIMARY KEY,
            subject_id INTEGER NOT NULL REFERENCES subjects(id),
            through_timepoint_id INTEGER NOT NULL REFERENCES timepoints(id),
            task_id INTEGER NOT NULL REFERENCES tasks(id),
            source TEXT NOT NULL CHECK (source IN ('concordant', 'adjudicated')),
            adjudication_id INTEGER REFERENCES adjudications(id),
            result_json TEXT NOT NULL,
            is_superseded INTEGER NOT NULL DEFAULT 0,
            created_utc TEXT NOT NULL)""",
        "CREATE INDEX final_results_subject ON final_results (subject_id, is_superseded)",
    ))


@migrations()
def m004_images(db: Database) -> None:
    """The images of each series with their plane: calipers are measured against them."""
    _run(db, (
        """CREATE TABLE images (
            id INTEGER PRIMARY KEY,
            series_id INTEGER NOT NULL REFERENCES series(id),
            sop_instance_uid TEXT NOT NULL,
            frame INTEGER NOT NULL DEFAULT 0 CHECK (frame >= 0),
            rows INTEGER NOT NULL CHECK (rows > 0),
            columns INTEGER NOT NULL CHECK (columns > 0),
            origin_xyz TEXT NOT NULL,
            row_direction TEXT NOT NULL,
            column_direction TEXT NOT NULL,
            pixel_spacing_mm TEXT NOT NULL,
            is_lossy INTEGER NOT NULL DEFAULT 0,
            UNIQUE (sop_instance_uid, frame))""",
        "CREATE INDEX images_series ON images (series_id)",
    ))


@migrations()
def m005_settings_and_ledger(db: Database) -> None:
    """Site settings; and a ledger baseline so that ``verify`` can replay older stores.

    A store whose audit predates the ledger (``core.store.ledger``) records only part of
    each row; the baseline appends, after a marker row, one audit row per existing row with
    its whole content, and the replay starts from the marker (docs/security.md §3).
    """
    _run(db, ("""CREATE TABLE settings (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            value_json TEXT NOT NULL)""",))
    if not db.execute("SELECT 1 FROM audit LIMIT 1").fetchone():
        return  # a new store: its ledger starts with its first row
    _append_audit(db, BASELINE_START, "audit", None, None)
    # Tables a later step creates are not there yet (and hold nothing to baseline).
    present = {row[0] for row in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()}
    for entity, table in ENTITY_TABLES.items():
        if table not in present:
            continue
        if table in GROUP_COLUMNS:
            column = GROUP_COLUMNS[table]
            groups = [row[0] for row in db.execute(
                f"SELECT DISTINCT {column} FROM {table} ORDER BY {column}").fetchall()]
            for group in groups:
                rows = [recorded(table, row) for row in db.query(
                    f"SELECT * FROM {table} WHERE {column} = ? ORDER BY id", (group,))]
                _append_audit(db, BASELINE, entity, group,
                              {"group_column": column, "count": len(rows),
                               "sha256": digest(rows)})
            continue
        for row in list(db.query(f"SELECT * FROM {table} ORDER BY id")):
            _append_audit(db, BASELINE, entity, row["id"], recorded(table, row))


@migrations()
def m006_accounts(db: Database) -> None:
    """Temporary passwords: an account whose password an admin set must change it first.

    Accounts that exist already chose their own passwords (the column's default, 0). A
    store with an audit records that value for each of them, so that the replay of the
    ledger finds every column of every user row in the audit (``core.store.ledger``).
    """
    _run(db, ("ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0 "
              "CHECK (must_change_password IN (0, 1))",))
    if not db.execute("SELECT 1 FROM audit LIMIT 1").fetchone():
        return
    for (user_id,) in db.execute("SELECT id FROM users ORDER BY id").fetchall():
        _append_audit(db, "migrate", "user", user_id,
                      {"must_change_password": 0, "step": "m006_accounts"})


@migrations()
def m007_resignature(db: Database) -> None:
    """Signatures bound to content: what each signature signed, and stale signatures.

    ``signatures.content_json`` holds the canonical text a signature's digest covers
    (``mrecist-signed/2``; NULL for signatures made before, ``mrecist-signed/1``);
    ``read_timepoints.resign_reason`` marks a signed timepoint whose signature an
    amendment of an earlier timepoint made stale, until it is signed again
    (docs/signatures.md; 21 CFR 11.70). Both are NULL on existing rows.
    """
    _run(db, (
        "ALTER TABLE signatures ADD COLUMN content_json TEXT",
        "ALTER TABLE read_timepoints ADD COLUMN resign_reason TEXT",
    ))


@migrations()
def m008_key_images(db: Database) -> None:
    """A rendered key image per caliper, for the reports: the PNG's digest, its file (named
    by that digest next to the store's images) and the digest of the caliper it shows, so
    an image of an older version of a moved caliper is known to be stale."""
    _run(db, (
        """CREATE TABLE key_images (
            id INTEGER PRIMARY KEY,
            measurement_id INTEGER NOT NULL UNIQUE REFERENCES measurements(id),
            caliper_sha256 TEXT NOT NULL,
            png_sha256 TEXT NOT NULL,
            path TEXT NOT NULL,
            created_utc TEXT NOT NULL)""",
    ))


@migrations()
def m009_measurement_phase(db: Database) -> None:
    """The contrast phase each caliper was drawn on, recorded at its save.

    mRECIST measures the viable diameter on the arterial phase; a reader may draw on
    another phase after confirming it, and the record must say which (issue #11). The
    phase is taken from the image's series when the caliper is saved, so a later change of
    the series' phase does not rewrite what the reader measured on. Calipers saved before
    this step keep NULL: what they were drawn on was not recorded then.
    """
    _run(db, ("ALTER TABLE measurements ADD COLUMN phase TEXT",))


@migrations()
def m010_clinical(db: Database) -> None:
    """The clinical record a coordinator enters (issue #13; docs/clinical-record.md).

    One table per kind of entry, each row a subject's entry with its raw values (decimals
    as text, dates as ISO text) and ``is_locked``, set by a data cut-off
    (``clinical_locks``, one row per cut-off, for a subject or for every subject). Nothing
    derived (grades, scores, endpoints) is stored. The coded values are written out here,
    not taken from ``core.model``: a released step never changes.
    """
    locked = "is_locked INTEGER NOT NULL DEFAULT 0 CHECK (is_locked IN (0, 1))"
    subject = "subject_id INTEGER NOT NULL REFERENCES subjects(id)"
    _run(db, (
        f"""CREATE TABLE clinical_eligibility (
            id INTEGER PRIMARY KEY,
            {subject},
            criterion TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('met', 'not_met', 'not_applicable')),
            note TEXT NOT NULL DEFAULT '',
            {locked},
            UNIQUE (subject_id, criterion))""",
        f"""CREATE TABLE clinical_screening (
            id INTEGER PRIMARY KEY,
            subject_id INTEGER NOT NULL UNIQUE REFERENCES subjects(id),
            outcome TEXT NOT NULL CHECK (outcome IN ('enrolled', 'screen_failure')),
            enrolment_date TEXT,
            failed_criterion TEXT,
            {locked})""",
        f"""CREATE TABLE clinical_baseline (
            id INTEGER PRIMARY KEY,
            subject_id INTEGER NOT NULL UNIQUE REFERENCES subjects(id),
            age_years INTEGER NOT NULL,
            sex TEXT NOT NULL CHECK (sex IN ('M', 'F')),
            etiology TEXT NOT NULL CHECK (etiology IN ('HBV', 'HCV', 'other')),
            ecog INTEGER NOT NULL CHECK (ecog BETWEEN 0 AND 5),
            bilirubin_umol_l TEXT NOT NULL,
            albumin_g_l TEXT NOT NULL,
            inr TEXT NOT NULL,
            ascites TEXT NOT NULL CHECK (ascites IN ('none', 'mild', 'moderate_severe')),
            encephalopathy TEXT NOT NULL
                CHECK (encephalopathy IN ('none', 'grade_1_2', 'grade_3_4')),
            afp_ng_ml TEXT NOT NULL,
            weight_kg TEXT NOT NULL,
            height_cm TEXT NOT NULL,
            tumour_number INTEGER NOT NULL,
            max_tumour_size_mm TEXT NOT NULL,
            total_tumour_size_mm TEXT NOT NULL,
            pvtt TEXT NOT NULL CHECK (pvtt IN ('absent', 'Vp1', 'Vp2', 'Vp3', 'Vp4')),
            has_ivc_thrombus INTEGER NOT NULL CHECK (has_ivc_thrombus IN (0, 1)),
            has_extrahepatic_metastasis INTEGER NOT NULL
                CHECK (has_extrahepatic_metastasis IN (0, 1)),
            {locked})""",
        f"""CREATE TABLE clinical_treatment_sessions (
            id INTEGER PRIMARY KEY,
            {subject},
            session_date TEXT NOT NULL,
            drug TEXT NOT NULL,
            dose TEXT NOT NULL,
            dose_unit TEXT NOT NULL,
            microsphere_min_um INTEGER NOT NULL,
            microsphere_max_um INTEGER NOT NULL,
            is_end_point_reached INTEGER NOT NULL CHECK (is_end_point_reached IN (0, 1)),
            {locked})""",
        f"""CREATE TABLE clinical_doses (
            id INTEGER PRIMARY KEY,
            {subject},
            drug TEXT NOT NULL,
            start_date TEXT NOT NULL,
            prescribed_dose TEXT NOT NULL,
            taken_dose TEXT NOT NULL,
            dose_unit TEXT NOT NULL,
            route TEXT NOT NULL CHECK (route IN ('INTRA-ARTERIAL', 'INTRAVENOUS', 'ORAL')),
            end_date TEXT,
            adjustment TEXT NOT NULL
                CHECK (adjustment IN ('none', 'reduced', 'interrupted', 'stopped')),
            adjustment_reason TEXT NOT NULL DEFAULT '',
            {locked})""",
        f"""CREATE TABLE clinical_labs (
            id INTEGER PRIMARY KEY,
            {subject},
            visit_date TEXT NOT NULL,
            test_code TEXT NOT NULL,
            value TEXT NOT NULL,
            unit TEXT NOT NULL,
            lln TEXT,
            uln TEXT,
            is_baseline INTEGER NOT NULL CHECK (is_baseline IN (0, 1)),
            {locked},
            UNIQUE (subject_id, visit_date, test_code))""",
        f"""CREATE TABLE clinical_adverse_events (
            id INTEGER PRIMARY KEY,
            {subject},
            term TEXT NOT NULL,
            grade INTEGER NOT NULL CHECK (grade BETWEEN 1 AND 5),
            onset_date TEXT NOT NULL,
            is_serious INTEGER NOT NULL CHECK (is_serious IN (0, 1)),
            relatedness TEXT NOT NULL,
            action TEXT NOT NULL,
            outcome TEXT NOT NULL,
            resolution_date TEXT,
            {locked})""",
        f"""CREATE TABLE clinical_end_of_treatment (
            id INTEGER PRIMARY KEY,
            subject_id INTEGER NOT NULL UNIQUE REFERENCES subjects(id),
            end_date TEXT NOT NULL,
            reason TEXT NOT NULL CHECK (reason IN ('confirmed_progression', 'toxicity',
                'new_therapy', 'withdrawal', 'death', 'other')),
            reason_detail TEXT NOT NULL DEFAULT '',
            subsequent_therapy TEXT,
            subsequent_therapy_start TEXT,
            {locked})""",
        f"""CREATE TABLE clinical_follow_up (
            id INTEGER PRIMARY KEY,
            {subject},
            last_known_alive TEXT,
            death_date TEXT,
            death_cause TEXT,
            discontinuation_date TEXT,
            discontinuation_reason TEXT,
            {locked})""",
        """CREATE TABLE clinical_locks (
            id INTEGER PRIMARY KEY,
            subject_id INTEGER REFERENCES subjects(id),
            cut_off_date TEXT NOT NULL,
            user_id INTEGER NOT NULL REFERENCES users(id),
            locked_utc TEXT NOT NULL)""",
        *(f"CREATE INDEX {table}_subject ON {table} (subject_id)" for table in (
            "clinical_treatment_sessions", "clinical_doses", "clinical_adverse_events",
            "clinical_follow_up", "clinical_locks")),
    ))


@migrations()
def m011_lab_event_dismissals(db: Database) -> None:
    """Lab abnormalities dismissed as adverse events, each with the coordinator's reason.

    A graded lab value is proposed as an adverse event; a dismissal (the episode's term,
    first abnormal date and worst grade then, and why) keeps it from being proposed again
    unless it grows worse (issue #13;
    docs/clinical.md §5). One per subject, term and onset.
    """
    _run(db, (
        """CREATE TABLE clinical_lab_event_dismissals (
            id INTEGER PRIMARY KEY,
            subject_id INTEGER NOT NULL REFERENCES subjects(id),
            term TEXT NOT NULL,
            onset_date TEXT NOT NULL,
            reason TEXT NOT NULL,
            grade INTEGER NOT NULL CHECK (grade BETWEEN 1 AND 4),
            is_locked INTEGER NOT NULL DEFAULT 0 CHECK (is_locked IN (0, 1)),
            UNIQUE (subject_id, term, onset_date))""",
    ))


def _append_audit(db: Database, action: str, entity: str, entity_id: int | None,
                  after: object) -> None:
    """Append an audit row by the application's chain rule (``core.store.chain``)."""
    head = db.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    prev_hash = head[1] if head else GENESIS_HASH
    row = {"id": head[0] + 1 if head else 1,
           "utc": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
           "user_id": None, "action": action, "entity": entity, "entity_id": entity_id,
           "before_json": None, "after_json": to_json(after)}
    db.execute("INSERT INTO audit (id, utc, user_id, action, entity, entity_id, before_json, "
               "after_json, prev_hash, hash) VALUES (:id, :utc, :user_id, :action, :entity, "
               ":entity_id, :before_json, :after_json, :prev_hash, :hash)",
               {**row, "prev_hash": prev_hash, "hash": row_hash(prev_hash, row)})


def step_names() -> tuple[str, ...]:
    """Every step's name, in order (what a new, empty database has pending)."""
    with Database(memory=True) as empty:
        return tuple(migration.name for migration in migrations.pending(empty))
