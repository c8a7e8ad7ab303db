-- Work lists of match governance: each run's records that need attention (not linked, linked
-- beyond the distance, or sharing a civil plate), with the town, community and road they
-- belong to, ranked by what fixing them is worth; and who works on which record.

-- Written by each match run for its own problem records (about a tenth of the records), so
-- that a community's list is read through an index rather than a scan of the whole run.
CREATE TABLE match_attention (
    run_id            INTEGER NOT NULL REFERENCES match_runs(id) ON DELETE CASCADE,
    police_address_id INTEGER NOT NULL REFERENCES source_addresses(id),
    town_code         TEXT,
    community_code    TEXT,
    road_key          TEXT NOT NULL DEFAULT '',
    problem           TEXT NOT NULL CHECK (problem IN ('unlinked','far','shared')),
    road_problems     INTEGER NOT NULL CHECK (road_problems >= 1), -- problem records on the same road in this run
    worth             REAL NOT NULL,                                -- the rank: higher first (README: work lists)
    PRIMARY KEY (run_id, police_address_id)
) WITHOUT ROWID;
CREATE INDEX match_attention_town ON match_attention(run_id, town_code, worth DESC);
CREATE INDEX match_attention_community ON match_attention(run_id, community_code, worth DESC);

-- Who works on a record and how far they are, by the record's police key (it outlives runs
-- and deliveries). Each change is in the audit log.
CREATE TABLE work_items (
    police_key  TEXT PRIMARY KEY CHECK (police_key GLOB 'src:?*' OR police_key GLOB 'row:[0-9]*'),
    assignee    TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','field_check','resolved')),
    note        TEXT NOT NULL DEFAULT '',
    updated_by  TEXT NOT NULL DEFAULT '',
    updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
) WITHOUT ROWID;
