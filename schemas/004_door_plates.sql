-- Door plates (门牌) and the plates under them: building (楼牌), unit (单元牌), flat (户室牌).
-- A door plate hangs on a road or, in the countryside, on a village (with an optional
-- natural village or group in `hamlet`).
CREATE TABLE door_plates (
    id               INTEGER PRIMARY KEY,
    plate_type       TEXT NOT NULL CHECK (plate_type IN ('door','building','unit','room')),
    parent_id        INTEGER REFERENCES door_plates(id),
    place_name_id    INTEGER NOT NULL REFERENCES place_names(id), -- the road or village
    hamlet           TEXT NOT NULL DEFAULT '',  -- 自然村 or 组 (rural)
    number           INTEGER CHECK (number IS NULL OR number BETWEEN 1 AND 99999),
    suffix           TEXT NOT NULL DEFAULT '' CHECK (suffix NOT GLOB '*[^0-9A-Za-z甲乙丙丁]*'), -- 附号: '1' of 12-1
    compound         TEXT NOT NULL DEFAULT '',  -- 小区
    building         TEXT NOT NULL DEFAULT '',  -- 幢
    unit             TEXT NOT NULL DEFAULT '',  -- 单元
    room             TEXT NOT NULL DEFAULT '',  -- 室
    town_code        TEXT NOT NULL REFERENCES divisions(code),
    community_code   TEXT REFERENCES divisions(code),
    standard_address TEXT NOT NULL CHECK (length(standard_address) > 0),
    status           TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('planned','active','cancelled')),
    source_ref       TEXT,  -- plate id in the dataset it was imported from
    created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
    updated_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
    CHECK ((plate_type = 'door') = (parent_id IS NULL)),
    CHECK (plate_type <> 'door' OR number IS NOT NULL),
    CHECK (plate_type <> 'building' OR building <> ''),
    CHECK (plate_type <> 'unit' OR unit <> ''),
    CHECK (plate_type <> 'room' OR room <> '')
);
-- One number (with its 附号) per road and hamlet among plates that are not cancelled.
CREATE UNIQUE INDEX door_plates_one_number ON door_plates(place_name_id, hamlet, number, suffix)
    WHERE plate_type = 'door' AND status <> 'cancelled';
-- One building/unit/room plate of each designation under its parent.
CREATE UNIQUE INDEX door_plates_one_child ON door_plates(parent_id, plate_type, building, unit, room)
    WHERE plate_type <> 'door' AND status <> 'cancelled';
CREATE INDEX door_plates_place ON door_plates(place_name_id, number);
CREATE INDEX door_plates_community ON door_plates(community_code);
CREATE INDEX door_plates_address ON door_plates(standard_address);
CREATE INDEX door_plates_parent ON door_plates(parent_id);
CREATE INDEX door_plates_source_ref ON door_plates(source_ref) WHERE source_ref IS NOT NULL;
SELECT AddGeometryColumn('door_plates', 'geom', 4490, 'POINT', 'XY', 1);
SELECT CreateSpatialIndex('door_plates', 'geom');

-- The standard addresses a plate had before (a renaming re-addresses every plate on the
-- road). Append-only.
CREATE TABLE door_plate_history (
    id               INTEGER PRIMARY KEY,
    door_plate_id    INTEGER NOT NULL REFERENCES door_plates(id),
    former_address   TEXT NOT NULL,
    new_address      TEXT NOT NULL,
    renaming_id      INTEGER REFERENCES place_name_history(id),
    changed_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
    changed_by       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX door_plate_history_plate ON door_plate_history(door_plate_id);
CREATE TRIGGER door_plate_history_no_update BEFORE UPDATE ON door_plate_history
BEGIN SELECT RAISE(ABORT, 'door_plate_history is append-only'); END;
CREATE TRIGGER door_plate_history_no_delete BEFORE DELETE ON door_plate_history
BEGIN SELECT RAISE(ABORT, 'door_plate_history is append-only'); END;
