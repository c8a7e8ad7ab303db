-- Door-plate issuance (application to installation) and print orders.

-- The legal moves of an issuance, as data: the trigger below refuses any other.
CREATE TABLE issuance_transitions (
    from_status TEXT NOT NULL,
    to_status   TEXT NOT NULL,
    PRIMARY KEY (from_status, to_status)
) WITHOUT ROWID;
INSERT INTO issuance_transitions VALUES
    ('applied','approved'), ('applied','rejected'), ('applied','cancelled'),
    ('approved','ordered'), ('approved','cancelled'),
    ('ordered','printed'),  ('ordered','approved'),   -- back to approved when an order is cancelled
    ('printed','installed');

CREATE TABLE print_orders (
    id          INTEGER PRIMARY KEY,
    status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','sent','printed','cancelled')),
    printer     TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    created_by  TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
    updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
);

CREATE TABLE issuances (
    id             INTEGER PRIMARY KEY,
    door_plate_id  INTEGER NOT NULL REFERENCES door_plates(id),
    kind           TEXT NOT NULL CHECK (kind IN ('new','replacement','renaming')),
    status         TEXT NOT NULL DEFAULT 'applied'
                   CHECK (status IN ('applied','approved','ordered','printed','installed','rejected','cancelled')),
    applicant      TEXT NOT NULL DEFAULT '',
    renaming_id    INTEGER REFERENCES place_name_history(id),
    print_order_id INTEGER REFERENCES print_orders(id),
    created_by     TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
    updated_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
    CHECK ((kind = 'renaming') = (renaming_id IS NOT NULL)),
    CHECK (status NOT IN ('ordered','printed','installed') OR print_order_id IS NOT NULL)
);
CREATE INDEX issuances_status ON issuances(status, created_at);
CREATE INDEX issuances_plate ON issuances(door_plate_id);
CREATE INDEX issuances_order ON issuances(print_order_id);
CREATE TRIGGER issuances_legal_transition BEFORE UPDATE OF status ON issuances
WHEN NEW.status <> OLD.status
 AND NOT EXISTS (SELECT 1 FROM issuance_transitions WHERE from_status = OLD.status AND to_status = NEW.status)
BEGIN SELECT RAISE(ABORT, 'illegal issuance transition'); END;
CREATE TRIGGER issuances_new_are_applied BEFORE INSERT ON issuances
WHEN NEW.status <> 'applied'
BEGIN SELECT RAISE(ABORT, 'a new issuance starts as applied'); END;

-- Who moved an issuance, when. Append-only.
CREATE TABLE issuance_events (
    id          INTEGER PRIMARY KEY,
    issuance_id INTEGER NOT NULL REFERENCES issuances(id),
    from_status TEXT,
    to_status   TEXT NOT NULL,
    actor       TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
);
CREATE INDEX issuance_events_issuance ON issuance_events(issuance_id);
CREATE TRIGGER issuance_events_log_insert AFTER INSERT ON issuances
BEGIN INSERT INTO issuance_events(issuance_id, from_status, to_status, actor) VALUES (NEW.id, NULL, NEW.status, NEW.created_by); END;
CREATE TRIGGER issuance_events_no_update BEFORE UPDATE ON issuance_events
BEGIN SELECT RAISE(ABORT, 'issuance_events is append-only'); END;
CREATE TRIGGER issuance_events_no_delete BEFORE DELETE ON issuance_events
BEGIN SELECT RAISE(ABORT, 'issuance_events is append-only'); END;
