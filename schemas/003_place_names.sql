-- Place names (地名): roads, streets, lanes, villages, natural villages, compounds,
-- bridges... one row per named thing, whatever its name is today.

-- Category codes in the GB/T 18521 style. Kept as data, not code: a bureau replaces the
-- provisional ones (source = 'diming-provisional') with its own confirmed codes.
CREATE TABLE place_name_categories (
    code          TEXT PRIMARY KEY CHECK (length(code) > 0),
    name          TEXT NOT NULL,
    generic_terms TEXT NOT NULL DEFAULT '',  -- '路|大道' : the generics that suggest this category
    geometry_kind TEXT NOT NULL CHECK (geometry_kind IN ('line','point','area')),
    source        TEXT NOT NULL CHECK (source IN ('GB/T 18521','diming-provisional'))
);
INSERT INTO place_name_categories(code, name, generic_terms, geometry_kind, source) VALUES
    ('21610', '行政村(村民委员会)', '村',        'area',  'GB/T 18521'),
    ('21620', '社区(居民委员会)',   '社区',      'area',  'GB/T 18521'),
    ('221',   '城镇居民点',         '',          'area',  'GB/T 18521'),
    ('222',   '农村居民点(自然村)', '自然村|浜|埭|湾|宅|圩', 'point', 'GB/T 18521'),
    ('2361',  '桥梁',               '桥',        'line',  'GB/T 18521'),
    ('252',   '公园',               '公园',      'area',  'GB/T 18521'),
    ('2631',  '广场',               '广场',      'area',  'GB/T 18521'),
    ('D-ROAD',     '道路(路、大道)',  '路|大道|公路', 'line',  'diming-provisional'),
    ('D-STREET',   '街',              '街',           'line',  'diming-provisional'),
    ('D-LANE',     '巷、弄',          '巷|弄|里',     'line',  'diming-provisional'),
    ('D-COMPOUND', '居住小区',        '小区|苑|园|府|公寓|花园|新村', 'area', 'diming-provisional'),
    ('D-BUILDING', '建筑物',          '大厦|中心|楼', 'point', 'diming-provisional');

CREATE TABLE place_names (
    id                 INTEGER PRIMARY KEY,
    name               TEXT NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 40),
    pinyin             TEXT NOT NULL DEFAULT '',   -- 'Chang''an Lu', per the place-name spelling rules
    pinyin_key         TEXT NOT NULL DEFAULT '',   -- 'changanlu': full letters, for search
    pinyin_initials    TEXT NOT NULL DEFAULT '',   -- 'cal'
    category_code      TEXT NOT NULL REFERENCES place_name_categories(code),
    division_code      TEXT NOT NULL REFERENCES divisions(code), -- the town (or village) it lies in
    meaning            TEXT,   -- 含义
    origin             TEXT,   -- 来历/由来
    history            TEXT,   -- 历史沿革
    approval_authority TEXT,
    approval_doc       TEXT,   -- decision document number, e.g. 平政地〔2023〕12号
    approval_date      TEXT CHECK (approval_date IS NULL OR date(approval_date, '+0 days') IS approval_date),
    -- registered: a standard name taken over from an earlier register (an import) whose
    -- decision document is not on record.
    status             TEXT NOT NULL DEFAULT 'proposed'
                       CHECK (status IN ('proposed','approved','registered','rejected','retired')),
    registrar          TEXT,
    source_ref         TEXT,   -- the id it has in the dataset it was imported from, if any
    created_at         TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
    updated_at         TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
    CHECK (status <> 'approved' OR (approval_doc IS NOT NULL AND approval_date IS NOT NULL))
);
CREATE INDEX place_names_name ON place_names(name);
CREATE INDEX place_names_pinyin_key ON place_names(pinyin_key);
CREATE INDEX place_names_division ON place_names(division_code);
CREATE INDEX place_names_source_ref ON place_names(source_ref) WHERE source_ref IS NOT NULL;
-- Lines for roads and bridges, points or polygons otherwise: one geometry column of any type.
SELECT AddGeometryColumn('place_names', 'geom', 4490, 'GEOMETRY', 'XY');
SELECT CreateSpatialIndex('place_names', 'geom');

-- Every former name and the decision that changed it. Append-only: history is evidence.
CREATE TABLE place_name_history (
    id             INTEGER PRIMARY KEY,
    place_name_id  INTEGER NOT NULL REFERENCES place_names(id),
    former_name    TEXT NOT NULL CHECK (length(trim(former_name)) > 0),
    former_pinyin  TEXT NOT NULL DEFAULT '',
    new_name       TEXT NOT NULL CHECK (length(trim(new_name)) > 0),
    decision_doc   TEXT NOT NULL CHECK (length(trim(decision_doc)) > 0),
    decided_on     TEXT NOT NULL CHECK (date(decided_on, '+0 days') IS decided_on),
    effective_on   TEXT NOT NULL CHECK (date(effective_on, '+0 days') IS effective_on),
    reason         TEXT NOT NULL DEFAULT '',
    recorded_by    TEXT NOT NULL DEFAULT '',
    recorded_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
    CHECK (former_name <> new_name),
    CHECK (effective_on >= decided_on)
);
CREATE INDEX place_name_history_place ON place_name_history(place_name_id);
CREATE INDEX place_name_history_former ON place_name_history(former_name);
CREATE TRIGGER place_name_history_no_update BEFORE UPDATE ON place_name_history
BEGIN SELECT RAISE(ABORT, 'place_name_history is append-only'); END;
CREATE TRIGGER place_name_history_no_delete BEFORE DELETE ON place_name_history
BEGIN SELECT RAISE(ABORT, 'place_name_history is append-only'); END;

-- Other names a place is known by that were never its standard name (local usage, typos
-- seen often enough to be worth resolving).
CREATE TABLE place_name_aliases (
    id            INTEGER PRIMARY KEY,
    place_name_id INTEGER NOT NULL REFERENCES place_names(id),
    alias         TEXT NOT NULL CHECK (length(trim(alias)) > 0),
    note          TEXT NOT NULL DEFAULT '',
    UNIQUE (place_name_id, alias)
);
CREATE INDEX place_name_aliases_alias ON place_name_aliases(alias);
