-- Match governance: what GIS staff decide about a police record and its link, kept apart
-- from any one match run so that every later run applies it.

-- A decision about one police record. The record is named by its source's own id (地址编码)
-- when it has one ('src:<id>'), so that a newer delivery of the extract carries the decision
-- over; else by its row ('row:<source_addresses.id>'). Civil records likewise ('plate:<id>'
-- for a registry plate, 'src:', 'row:'). Append-only: a later decision about the same record
-- supersedes the earlier ones (withdraw returns it to the automatic matcher), and the record's
-- state is all of its decisions read in order (README: match governance).
CREATE TABLE match_decisions (
    id                INTEGER PRIMARY KEY,
    kind              TEXT NOT NULL
                      CHECK (kind IN ('confirm','reject','link','police_wrong','civil_missing','unregistered','demolished','duplicate','withdraw')),
    police_key        TEXT NOT NULL CHECK (police_key GLOB 'src:?*' OR police_key GLOB 'row:[0-9]*'),
    police_address_id INTEGER NOT NULL REFERENCES source_addresses(id),
    police_raw        TEXT NOT NULL DEFAULT '',   -- the record's address when decided: a later delivery that differs is flagged
    civil_key         TEXT,                       -- confirm, reject, link: the civil record
    civil_address_id  INTEGER REFERENCES source_addresses(id),
    corrected_address TEXT,                       -- police_wrong: the address as it should read (kept beside the original)
    issuance_id       INTEGER REFERENCES issuances(id), -- civil_missing: the plate application made for the clerks
    run_id            INTEGER REFERENCES match_runs(id), -- the run whose result was reviewed, if any
    reason            TEXT NOT NULL DEFAULT '',
    decided_by        TEXT NOT NULL CHECK (length(decided_by) > 0),
    decided_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
    CHECK ((kind IN ('confirm','reject','link')) = (civil_key IS NOT NULL)),
    CHECK ((kind = 'police_wrong') = (corrected_address IS NOT NULL AND length(trim(corrected_address)) > 0)),
    CHECK ((kind = 'civil_missing') = (issuance_id IS NOT NULL))
);
CREATE INDEX match_decisions_police ON match_decisions(police_key, id);
CREATE TRIGGER match_decisions_no_update BEFORE UPDATE ON match_decisions
BEGIN SELECT RAISE(ABORT, 'match_decisions is append-only'); END;
CREATE TRIGGER match_decisions_no_delete BEFORE DELETE ON match_decisions
BEGIN SELECT RAISE(ABORT, 'match_decisions is append-only'); END;

-- A run's results now say what the automatic matcher found and what governance made of it:
-- level 'manual' for a confirmed or hand-made link; auto_level and auto_civil_address_id for
-- the automatic answer (the automatic rate); the decision applied and its kind; flags.
CREATE TABLE match_results_governed (
    run_id            INTEGER NOT NULL REFERENCES match_runs(id) ON DELETE CASCADE,
    police_address_id INTEGER NOT NULL REFERENCES source_addresses(id),
    civil_address_id  INTEGER REFERENCES source_addresses(id),
    level             TEXT NOT NULL CHECK (level IN ('exact','room','building','plate','road','fuzzy','spatial','unmatched','manual')),
    score             REAL NOT NULL DEFAULT 0 CHECK (score BETWEEN 0 AND 1),
    distance_m        REAL CHECK (distance_m IS NULL OR distance_m >= 0),
    spatially_consistent INTEGER CHECK (spatially_consistent IN (0, 1)),
    ties              INTEGER NOT NULL DEFAULT 0 CHECK (ties >= 0),
    reason            TEXT NOT NULL DEFAULT '',
    auto_level        TEXT NOT NULL DEFAULT 'unmatched' CHECK (auto_level IN ('exact','room','building','plate','road','fuzzy','spatial','unmatched')),
    auto_civil_address_id INTEGER REFERENCES source_addresses(id),
    auto_spatially_consistent INTEGER CHECK (auto_spatially_consistent IN (0, 1)),
    decision_id       INTEGER REFERENCES match_decisions(id),
    decision_kind     TEXT NOT NULL DEFAULT '',
    changed_since_decision INTEGER NOT NULL DEFAULT 0 CHECK (changed_since_decision IN (0, 1)),
    PRIMARY KEY (run_id, police_address_id),
    CHECK ((level = 'unmatched') = (civil_address_id IS NULL)),
    CHECK ((auto_level = 'unmatched') = (auto_civil_address_id IS NULL))
) WITHOUT ROWID;
INSERT INTO match_results_governed(run_id, police_address_id, civil_address_id, level, score, distance_m, spatially_consistent, ties, reason,
                                   auto_level, auto_civil_address_id, auto_spatially_consistent)
SELECT run_id, police_address_id, civil_address_id, level, score, distance_m, spatially_consistent, ties, reason, level, civil_address_id,
       spatially_consistent
  FROM match_results;
DROP TABLE match_results;
ALTER TABLE match_results_governed RENAME TO match_results;
CREATE INDEX match_results_civil ON match_results(run_id, civil_address_id);
