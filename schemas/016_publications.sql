-- Publishing the county's registry to the province's PostGIS (`diming publish`). A publication
-- sends only what changed since the last one, known exactly rather than from timestamps:
-- rows inserted have ids above the highest one published (door plates, place names and their
-- history; ids only grow), and every row updated or deleted leaves its key here, by triggers,
-- with a sequence number that only grows (AUTOINCREMENT never reuses one). Imports only
-- insert, so they pay nothing for this.
CREATE TABLE registry_changes (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    table_name TEXT NOT NULL CHECK (table_name IN ('divisions','place_names','door_plates')),
    row_key    TEXT NOT NULL,  -- the row's id (a division: its code)
    UNIQUE (table_name, row_key)
);

CREATE TRIGGER door_plates_changed AFTER UPDATE ON door_plates
BEGIN INSERT OR REPLACE INTO registry_changes(table_name, row_key) VALUES ('door_plates', OLD.id), ('door_plates', NEW.id); END;
CREATE TRIGGER door_plates_removed AFTER DELETE ON door_plates
BEGIN INSERT OR REPLACE INTO registry_changes(table_name, row_key) VALUES ('door_plates', OLD.id); END;
CREATE TRIGGER place_names_changed AFTER UPDATE ON place_names
BEGIN INSERT OR REPLACE INTO registry_changes(table_name, row_key) VALUES ('place_names', OLD.id), ('place_names', NEW.id); END;
CREATE TRIGGER place_names_removed AFTER DELETE ON place_names
BEGIN INSERT OR REPLACE INTO registry_changes(table_name, row_key) VALUES ('place_names', OLD.id); END;
-- Divisions have text keys and few rows: every change is logged, inserts too.
CREATE TRIGGER divisions_added AFTER INSERT ON divisions
BEGIN INSERT OR REPLACE INTO registry_changes(table_name, row_key) VALUES ('divisions', NEW.code); END;
CREATE TRIGGER divisions_changed AFTER UPDATE ON divisions
BEGIN INSERT OR REPLACE INTO registry_changes(table_name, row_key) VALUES ('divisions', OLD.code), ('divisions', NEW.code); END;
CREATE TRIGGER divisions_removed AFTER DELETE ON divisions
BEGIN INSERT OR REPLACE INTO registry_changes(table_name, row_key) VALUES ('divisions', OLD.code); END;

-- Which registry this is: the province keeps it beside each county's publication, so that a
-- different file (a registry rebuilt from scratch) publishing the same county replaces the
-- county's copy whole instead of adding its changes to another registry's.
CREATE TABLE registry_identity (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    uuid TEXT NOT NULL CHECK (length(uuid) = 32 AND uuid NOT GLOB '*[^0-9a-f]*')
);
INSERT INTO registry_identity(id, uuid) VALUES (1, lower(hex(randomblob(16))));

-- Every publication, as the county sees it (the province keeps its own record, which decides
-- what the next publication sends).
CREATE TABLE publications (
    id               INTEGER PRIMARY KEY,
    target           TEXT NOT NULL,    -- the connection, without its password
    county_code      TEXT NOT NULL CHECK (length(county_code) = 6),
    full_copy        INTEGER NOT NULL CHECK (full_copy IN (0, 1)),
    change_seq       INTEGER NOT NULL, -- registry_changes published up to and including
    max_door_plate   INTEGER NOT NULL,
    max_place_name   INTEGER NOT NULL,
    max_history      INTEGER NOT NULL,
    match_run_id     INTEGER,
    counts           TEXT NOT NULL CHECK (json_valid(counts)),
    started_at       TEXT NOT NULL,
    finished_at      TEXT NOT NULL,
    published_by     TEXT NOT NULL
);
