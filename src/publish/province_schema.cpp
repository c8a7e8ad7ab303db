#include "publish/province_schema.hpp"

#include <cctype>

namespace diming::publish {

namespace {

// Every statement names the schema as S, replaced by its quoted name.
std::string in_schema(std::string sql, const std::string& quoted) {
    for (std::size_t at = sql.find("S."); at != std::string::npos; at = sql.find("S.", at + quoted.size())) {
        if (at > 0 && (std::isalnum(static_cast<unsigned char>(sql[at - 1])) || sql[at - 1] == '_')) continue;
        sql.replace(at, 1, quoted);
    }
    return sql;
}

const char* const tables_sql = R"sql(
CREATE TABLE IF NOT EXISTS S.counties (
    county_code     text PRIMARY KEY CHECK (county_code ~ '^[0-9]{6}$'),
    county_name     text NOT NULL,
    registry_uuid   text NOT NULL,
    change_seq      bigint NOT NULL,
    max_door_plate  bigint NOT NULL,
    max_place_name  bigint NOT NULL,
    max_history     bigint NOT NULL,
    match_run_id    bigint,
    publication_id  bigint NOT NULL,
    published_at    timestamptz NOT NULL);
COMMENT ON TABLE S.counties IS 'diming: each county''s last publication and what it covered (what the next one sends from)';
CREATE TABLE IF NOT EXISTS S.publications (
    id              bigserial PRIMARY KEY,
    county_code     text NOT NULL,
    registry_uuid   text NOT NULL,
    full_copy       boolean NOT NULL,
    published_by    text NOT NULL,
    published_at    timestamptz NOT NULL DEFAULT now(),
    counts          jsonb NOT NULL DEFAULT '{}');
CREATE TABLE IF NOT EXISTS S.divisions (
    fid             bigint PRIMARY KEY,  -- the 12-digit code as a number
    county_code     text NOT NULL,
    code            text NOT NULL,
    name            text NOT NULL,
    short_name      text NOT NULL,
    level           smallint NOT NULL,
    kind            text NOT NULL,
    parent_code     text,
    geom            geometry(MultiPolygon, 4490),
    publication_id  bigint NOT NULL) PARTITION BY RANGE (fid);
CREATE TABLE IF NOT EXISTS S.place_names (
    fid             bigint PRIMARY KEY,  -- county code × 10¹² + id: one key across counties
    county_code     text NOT NULL,
    id              bigint NOT NULL,
    name            text NOT NULL,
    pinyin          text NOT NULL,
    category_code   text NOT NULL,
    category        text NOT NULL,
    division_code   text NOT NULL,
    status          text NOT NULL,
    meaning         text,
    origin          text,
    approval_doc    text,
    approval_date   date,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    geom            geometry(Geometry, 4490),
    publication_id  bigint NOT NULL) PARTITION BY RANGE (fid);
CREATE TABLE IF NOT EXISTS S.place_name_history (
    fid             bigint PRIMARY KEY,  -- county code × 10¹² + id: one key across counties
    county_code     text NOT NULL,
    id              bigint NOT NULL,
    place_name_id   bigint NOT NULL,
    former_name     text NOT NULL,
    former_pinyin   text NOT NULL,
    new_name        text NOT NULL,
    decision_doc    text NOT NULL,
    decided_on      date NOT NULL,
    effective_on    date NOT NULL,
    reason          text NOT NULL,
    recorded_at     timestamptz NOT NULL,
    publication_id  bigint NOT NULL) PARTITION BY RANGE (fid);
CREATE TABLE IF NOT EXISTS S.addresses (
    fid              bigint PRIMARY KEY,  -- county code × 10¹² + id: one key across counties
    county_code      text NOT NULL,
    id               bigint NOT NULL,
    plate_type       text NOT NULL,
    parent_id        bigint,
    place_name_id    bigint NOT NULL,
    place_name       text NOT NULL,
    hamlet           text NOT NULL,
    number           integer,
    suffix           text NOT NULL,
    compound         text NOT NULL,
    building         text NOT NULL,
    unit             text NOT NULL,
    room             text NOT NULL,
    town_code        text NOT NULL,
    community_code   text,
    standard_address text NOT NULL,
    status           text NOT NULL,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    geom             geometry(Point, 4490) NOT NULL,
    publication_id   bigint NOT NULL) PARTITION BY RANGE (fid);
CREATE TABLE IF NOT EXISTS S.match_rates (
    fid             bigint PRIMARY KEY,  -- the division's 12-digit code as a number
    county_code     text NOT NULL,
    division_code   text NOT NULL,
    division_name   text NOT NULL,
    level           smallint NOT NULL,
    run_id          bigint NOT NULL,
    run_finished_at timestamptz NOT NULL,
    police_records  bigint NOT NULL,
    textual_rate    double precision NOT NULL,
    spatial_rate    double precision,
    governed_rate   double precision NOT NULL,
    publication_id  bigint NOT NULL) PARTITION BY RANGE (fid);
CREATE INDEX IF NOT EXISTS divisions_geom ON S.divisions USING gist (geom);
CREATE INDEX IF NOT EXISTS place_names_geom ON S.place_names USING gist (geom);
CREATE INDEX IF NOT EXISTS place_names_name ON S.place_names (name);
CREATE INDEX IF NOT EXISTS addresses_geom ON S.addresses USING gist (geom);
CREATE INDEX IF NOT EXISTS addresses_standard_address ON S.addresses (standard_address);
CREATE INDEX IF NOT EXISTS addresses_place_name ON S.addresses (place_name_id);
)sql";

} // namespace

void ensure_province_schema(pg::Connection& pg, const std::string& schema) {
    const std::string q = pg.quote_identifier(schema);
    pg.exec("BEGIN", "starting the schema's transaction");
    // Two counties publishing for the first time at once would both create the tables.
    pg.exec("SELECT pg_advisory_xact_lock(hashtext('diming publish: schema'))", "waiting for another publisher");
    const auto postgis = pg.query("SELECT 1 FROM pg_extension WHERE extname = 'postgis'", {}, "looking for PostGIS");
    if (PQntuples(postgis.get()) == 0) {
        try {
            pg.exec("CREATE EXTENSION IF NOT EXISTS postgis", "creating the PostGIS extension");
        } catch (const publish_error& e) {
            throw publish_error{std::string{"the database has no PostGIS and this role may not add it; ask its administrator to run "
                                            "CREATE EXTENSION postgis (nothing was changed). "} + e.what()};
        }
    }
    pg.exec("CREATE SCHEMA IF NOT EXISTS " + q, "creating the schema");
    pg.exec(in_schema(tables_sql, q), "creating the province's tables");
    pg.exec("COMMIT", "creating the province's tables");
}

void ensure_county_partitions(pg::Connection& pg, const std::string& schema, const std::string& county_code) {
    const std::string q = pg.quote_identifier(schema);
    for (const char* table : {"divisions", "place_names", "place_name_history", "addresses", "match_rates"}) {
        const auto [from, to] = county_key_range(table, county_code);
        const std::string partition = pg.quote_identifier(std::string{table} + "_" + county_code);
        // The bounds are numbers made from six checked digits, so they may stand in the DDL.
        pg.exec("CREATE TABLE IF NOT EXISTS " + q + "." + partition + " PARTITION OF " + q + "." + table + " FOR VALUES FROM (" +
                    std::to_string(from) + ") TO (" + std::to_string(to) + ")",
                "creating the county's partitions");
    }
}

std::pair<long long, long long> county_key_range(std::string_view table, const std::string& county_code) {
    const long long county = std::stoll(county_code);
    // Divisions and their match rates are keyed by the 12-digit code, the rest by county × 10¹² + id.
    const long long scale = table == "divisions" || table == "match_rates" ? 1'000'000LL : 1'000'000'000'000LL;
    return {county * scale, (county + 1) * scale};
}

} // namespace diming::publish
