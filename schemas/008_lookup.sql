-- Name lookup: every name a place is or was known by, in one FTS5 trigram index, so that a
-- substring of three or more characters is found through the index rather than by scanning
-- (see src/lookup/name_search.cpp for shorter queries).
--
-- One row per term. The rowid says what the term is, so that triggers can maintain the index
-- by rowid (FTS5 cannot look up its UNINDEXED columns without a scan):
--   place_names.id * 4 + 0          the current standard name
--   place_name_history.id * 4 + 1   a former name
--   place_name_aliases.id * 4 + 2   an alias
CREATE VIRTUAL TABLE place_name_terms USING fts5(term, tokenize = 'trigram');

INSERT INTO place_name_terms(rowid, term) SELECT id * 4, name FROM place_names;
INSERT INTO place_name_terms(rowid, term) SELECT id * 4 + 1, former_name FROM place_name_history;
INSERT INTO place_name_terms(rowid, term) SELECT id * 4 + 2, alias FROM place_name_aliases;

CREATE TRIGGER place_name_terms_name_insert AFTER INSERT ON place_names
BEGIN INSERT INTO place_name_terms(rowid, term) VALUES (new.id * 4, new.name); END;
CREATE TRIGGER place_name_terms_name_update AFTER UPDATE OF name ON place_names
BEGIN
    DELETE FROM place_name_terms WHERE rowid = old.id * 4;
    INSERT INTO place_name_terms(rowid, term) VALUES (new.id * 4, new.name);
END;
CREATE TRIGGER place_name_terms_name_delete AFTER DELETE ON place_names
BEGIN DELETE FROM place_name_terms WHERE rowid = old.id * 4; END;

-- History is append-only (its own triggers refuse updates and deletes).
CREATE TRIGGER place_name_terms_former_insert AFTER INSERT ON place_name_history
BEGIN INSERT INTO place_name_terms(rowid, term) VALUES (new.id * 4 + 1, new.former_name); END;

CREATE TRIGGER place_name_terms_alias_insert AFTER INSERT ON place_name_aliases
BEGIN INSERT INTO place_name_terms(rowid, term) VALUES (new.id * 4 + 2, new.alias); END;
CREATE TRIGGER place_name_terms_alias_update AFTER UPDATE OF alias ON place_name_aliases
BEGIN
    DELETE FROM place_name_terms WHERE rowid = old.id * 4 + 2;
    INSERT INTO place_name_terms(rowid, term) VALUES (new.id * 4 + 2, new.alias);
END;
CREATE TRIGGER place_name_terms_alias_delete AFTER DELETE ON place_name_aliases
BEGIN DELETE FROM place_name_terms WHERE rowid = old.id * 4 + 2; END;

-- Pinyin initials ('rml' for 人民路) are searched exactly and by prefix.
CREATE INDEX place_names_pinyin_initials ON place_names(pinyin_initials);
-- A name's record lists its aliases.
CREATE INDEX place_name_aliases_place ON place_name_aliases(place_name_id);
