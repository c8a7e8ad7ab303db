-- A source record's raw fields: source_addresses.raw is a JSON array of the row's values, in
-- the order of its layer's columns, and the columns are named once here, per dataset and
-- layer, with the range of source_addresses ids that layer's rows took (an import writes a
-- layer's rows one after another, so the range is whole). An object repeated every column's
-- name in every row: a fifth of an imported row's bytes. Records imported before this
-- migration keep their object; source_address_fields reads both alike.
CREATE TABLE source_layers (
    dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
    layer      TEXT NOT NULL,
    columns    TEXT NOT NULL,              -- JSON array of the layer's column names
    first_id   INTEGER NOT NULL,
    last_id    INTEGER NOT NULL CHECK (last_id >= first_id),
    PRIMARY KEY (dataset_id, first_id)
);

-- Every raw field of every source record, by name: one row per (record, column).
CREATE VIEW source_address_fields AS
SELECT a.id AS source_address_id, l.layer AS layer, c.value AS field, v.value AS value
  FROM source_addresses a
  JOIN source_layers l ON l.dataset_id = a.dataset_id AND a.id BETWEEN l.first_id AND l.last_id
  JOIN json_each(l.columns) c
  JOIN json_each(a.raw) v ON v.key = c.key
 WHERE json_type(a.raw) = 'array'
UNION ALL
SELECT a.id, NULL, v.key, v.value
  FROM source_addresses a, json_each(a.raw) v
 WHERE json_type(a.raw) = 'object';
