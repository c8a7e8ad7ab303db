-- Match governance on the civil side: a civil record found, on a field check, to be no
-- address (demolished, a duplicate of another record, unregistered). Every later run leaves
-- it out: it is offered to no police record and leaves the coverage denominator. Named by
-- its registry plate ('plate:<id>'), its source's id ('src:') or its row ('row:'), so that
-- a newer civil delivery carries the decision over. Append-only; withdraw undoes.
CREATE TABLE civil_decisions (
    id               INTEGER PRIMARY KEY,
    kind             TEXT NOT NULL CHECK (kind IN ('unregistered','demolished','duplicate','withdraw')),
    civil_key        TEXT NOT NULL CHECK (civil_key GLOB 'plate:[0-9]*' OR civil_key GLOB 'src:?*' OR civil_key GLOB 'row:[0-9]*'),
    civil_address_id INTEGER NOT NULL REFERENCES source_addresses(id),
    reason           TEXT NOT NULL DEFAULT '',
    decided_by       TEXT NOT NULL CHECK (length(decided_by) > 0),
    decided_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
);
CREATE INDEX civil_decisions_key ON civil_decisions(civil_key, id);
CREATE TRIGGER civil_decisions_no_update BEFORE UPDATE ON civil_decisions
BEGIN SELECT RAISE(ABORT, 'civil_decisions is append-only'); END;
CREATE TRIGGER civil_decisions_no_delete BEFORE DELETE ON civil_decisions
BEGIN SELECT RAISE(ABORT, 'civil_decisions is append-only'); END;
