-- Search finds compounds (小区) by name, and their buildings: an index on the compound of the
-- plates that have one.
CREATE INDEX door_plates_compound ON door_plates(compound, place_name_id) WHERE compound <> '';
