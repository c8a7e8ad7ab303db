-- Print-ready plates: the public code each printed plate carries in its QR code (一门一码), and
-- the door-plate certificates (门牌证) households receive.

-- The QR code's URL names the plate by this code, neither by its internal id nor by its
-- address, so that it stays valid across a renaming and tells nothing of the registry. A
-- plate gets its code when it is first put on a print order (or certified); it never changes.
CREATE TABLE plate_codes (
    door_plate_id INTEGER PRIMARY KEY REFERENCES door_plates(id),
    code          TEXT NOT NULL UNIQUE CHECK (length(code) = 16 AND code NOT GLOB '*[^0-9a-f]*')
);
CREATE TRIGGER plate_codes_no_update BEFORE UPDATE ON plate_codes
BEGIN SELECT RAISE(ABORT, 'a plate''s public code never changes'); END;
CREATE TRIGGER plate_codes_no_delete BEFORE DELETE ON plate_codes
BEGIN SELECT RAISE(ABORT, 'a plate''s public code never changes'); END;
-- Plates already on print orders get theirs now.
INSERT INTO plate_codes(door_plate_id, code)
SELECT DISTINCT door_plate_id, lower(hex(randomblob(8))) FROM issuances WHERE print_order_id IS NOT NULL;

-- 门牌证: one per issuance (a new plate installed, or a plate re-addressed by a renaming).
-- The number is the county's six-digit code, the year, a six-digit serial within the county
-- and year, and an ISO 7064 MOD 11-2 check character (as on identity cards). Append-only.
CREATE TABLE door_plate_certificates (
    id               INTEGER PRIMARY KEY,
    number           TEXT NOT NULL UNIQUE
                     CHECK (length(number) = 17 AND substr(number, 1, 16) NOT GLOB '*[^0-9]*' AND substr(number, 17) GLOB '[0-9X]'),
    issuance_id      INTEGER NOT NULL UNIQUE REFERENCES issuances(id),
    door_plate_id    INTEGER NOT NULL REFERENCES door_plates(id),
    household        TEXT NOT NULL DEFAULT '' CHECK (length(household) <= 40),
    standard_address TEXT NOT NULL CHECK (length(standard_address) > 0),
    authority        TEXT NOT NULL CHECK (length(authority) > 0),
    issued_on        TEXT NOT NULL CHECK (date(issued_on, '+0 days') IS issued_on),
    issued_by        TEXT NOT NULL CHECK (length(issued_by) > 0),
    recorded_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
);
CREATE INDEX door_plate_certificates_plate ON door_plate_certificates(door_plate_id);
CREATE TRIGGER door_plate_certificates_no_update BEFORE UPDATE ON door_plate_certificates
BEGIN SELECT RAISE(ABORT, 'door_plate_certificates is append-only'); END;
CREATE TRIGGER door_plate_certificates_no_delete BEFORE DELETE ON door_plate_certificates
BEGIN SELECT RAISE(ABORT, 'door_plate_certificates is append-only'); END;
