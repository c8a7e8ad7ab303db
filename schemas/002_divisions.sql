-- Administrative divisions with their 12-digit statistical codes (PPCCDDTTTVVV).
-- Level and parent follow from the code; the CHECKs make a row that contradicts its own
-- code impossible. Geometry is optional: the statistical codes come without boundaries.
CREATE TABLE divisions (
    code        TEXT PRIMARY KEY
                CHECK (length(code) = 12 AND code NOT GLOB '*[^0-9]*'),
    name        TEXT NOT NULL CHECK (length(trim(name)) > 0),   -- official name, e.g. 水洞埭社区居委会
    short_name  TEXT NOT NULL CHECK (length(trim(short_name)) > 0), -- as written in addresses, e.g. 水洞埭社区
    level       INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5), -- 1 province .. 5 community/village
    kind        TEXT NOT NULL CHECK (kind IN ('province','city','county','subdistrict','town','township','community','village')),
    parent_code TEXT REFERENCES divisions(code),
    CHECK ((level = 1) = (parent_code IS NULL)),
    CHECK (level <> 1 OR substr(code, 3) = '0000000000'),
    CHECK (level <> 2 OR (substr(code, 3, 2) <> '00' AND substr(code, 5) = '00000000')),
    CHECK (level <> 3 OR (substr(code, 5, 2) <> '00' AND substr(code, 7) = '000000')),
    CHECK (level <> 4 OR (substr(code, 7, 3) <> '000' AND substr(code, 10) = '000')),
    CHECK (level <> 5 OR substr(code, 10) <> '000')
);
CREATE INDEX divisions_parent ON divisions(parent_code);
CREATE INDEX divisions_short_name ON divisions(short_name);
SELECT AddGeometryColumn('divisions', 'geom', 4490, 'MULTIPOLYGON', 'XY');
SELECT CreateSpatialIndex('divisions', 'geom');
