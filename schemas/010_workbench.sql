-- The browser workbench: sign-in sessions, cancellation (注销) of plates, and renamings
-- decided now that take effect on a later date.

-- A session is opened with an API token and carried by a cookie. Only the cookie's SHA-256
-- is kept (like the tokens'), so a copied registry opens no sessions. A session ends when
-- it is signed out, expires, sits idle too long, or its token is revoked.
CREATE TABLE web_sessions (
    id           INTEGER PRIMARY KEY,
    secret_hash  TEXT NOT NULL UNIQUE CHECK (length(secret_hash) = 64 AND secret_hash NOT GLOB '*[^0-9a-f]*'),
    token_id     INTEGER NOT NULL REFERENCES api_tokens(id),
    csrf         TEXT NOT NULL CHECK (length(csrf) >= 32),
    created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
    last_seen_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
    expires_at   TEXT NOT NULL,
    ended_at     TEXT
);
CREATE INDEX web_sessions_token ON web_sessions(token_id);

-- 注销: a plate taken off (demolition, merger, a wrong plate). The plate stays, 'cancelled',
-- with its history; this records why, on whose decision and when. Append-only.
CREATE TABLE door_plate_cancellations (
    id            INTEGER PRIMARY KEY,
    door_plate_id INTEGER NOT NULL REFERENCES door_plates(id),
    reason_code   TEXT NOT NULL CHECK (reason_code IN ('demolition','merger','renumbering','error','other')),
    reason        TEXT NOT NULL DEFAULT '',
    decision_doc  TEXT NOT NULL DEFAULT '',
    cancelled_on  TEXT NOT NULL CHECK (date(cancelled_on, '+0 days') IS cancelled_on),
    former_status TEXT NOT NULL,
    cancelled_by  TEXT NOT NULL DEFAULT '',
    recorded_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
);
CREATE INDEX door_plate_cancellations_plate ON door_plate_cancellations(door_plate_id);
CREATE TRIGGER door_plate_cancellations_no_update BEFORE UPDATE ON door_plate_cancellations
BEGIN SELECT RAISE(ABORT, 'door_plate_cancellations is append-only'); END;
CREATE TRIGGER door_plate_cancellations_no_delete BEFORE DELETE ON door_plate_cancellations
BEGIN SELECT RAISE(ABORT, 'door_plate_cancellations is append-only'); END;

-- A renaming decided with a later effective date: the name in force stays until then; on
-- that date it is carried out as any renaming (history, re-addressing, replacement plates).
CREATE TABLE scheduled_renamings (
    id             INTEGER PRIMARY KEY,
    place_name_id  INTEGER NOT NULL REFERENCES place_names(id),
    new_name       TEXT NOT NULL CHECK (length(trim(new_name)) > 0),
    decision_doc   TEXT NOT NULL CHECK (length(trim(decision_doc)) > 0),
    decided_on     TEXT NOT NULL CHECK (date(decided_on, '+0 days') IS decided_on),
    effective_on   TEXT NOT NULL CHECK (date(effective_on, '+0 days') IS effective_on),
    reason         TEXT NOT NULL DEFAULT '',
    accepted       TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(accepted)),
    status         TEXT NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled','done','withdrawn','failed')),
    outcome        TEXT NOT NULL DEFAULT '',
    history_id     INTEGER REFERENCES place_name_history(id),
    scheduled_by   TEXT NOT NULL DEFAULT '',
    scheduled_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
    CHECK (effective_on >= decided_on),
    CHECK ((status = 'done') = (history_id IS NOT NULL))
);
-- One coming renaming per place at a time.
CREATE UNIQUE INDEX scheduled_renamings_one_per_place ON scheduled_renamings(place_name_id) WHERE status = 'scheduled';
CREATE INDEX scheduled_renamings_due ON scheduled_renamings(status, effective_on);
