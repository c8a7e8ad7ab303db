#include "publish/publication.hpp"

#include "core/calendar.hpp"
#include "publish/province_schema.hpp"
#include "store/audit_log.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <string_view>
#include <tuple>
#include <vector>

namespace diming::publish {

namespace {

// What the province holds of the county: the point the next publication sends from.
struct Watermark {
    std::string registry_uuid;
    std::int64_t change_seq = 0, max_door_plate = 0, max_place_name = 0, max_history = 0;
    std::optional<std::int64_t> match_run;
};

std::optional<std::string> opt_text(const store::Statement& s, int col) { return s.column_text_opt(col); }
std::optional<long long> opt_int(const store::Statement& s, int col) {
    if (s.is_null(col)) return std::nullopt;
    return s.column_int(col);
}

// The registry's county: the one asked for, or its only one.
std::pair<std::string, std::string> county_of(store::Database& db, const std::optional<std::string>& asked) {
    auto s = db.prepare("SELECT substr(code, 1, 6), name FROM divisions WHERE level = 3 ORDER BY code");
    std::vector<std::pair<std::string, std::string>> counties;
    while (s.step()) counties.emplace_back(s.column_text(0), s.column_text(1));
    if (asked) {
        if (asked->size() != 6 || asked->find_first_not_of("0123456789") != std::string::npos) {
            throw input_error{"--county: '" + *asked + "' is not a six-digit county code (e.g. 330482)"};
        }
        for (const auto& c : counties) {
            if (c.first == *asked) return c;
        }
        throw input_error{"--county: the registry has no county " + *asked + " among its divisions"};
    }
    if (counties.empty()) throw input_error{db.path().string() + ": the registry has no county among its divisions; import them first (diming import-divisions)"};
    if (counties.size() > 1) {
        std::string list;
        for (const auto& c : counties) list += (list.empty() ? "" : ", ") + c.first;
        throw input_error{db.path().string() + ": the registry holds several counties (" + list + "); say which with --county"};
    }
    return counties.front();
}

std::optional<Watermark> province_watermark(pg::Connection& pg, const std::string& q, const std::string& county) {
    auto r = pg.query("SELECT registry_uuid, change_seq, max_door_plate, max_place_name, max_history, match_run_id FROM " + q +
                          ".counties WHERE county_code = $1 FOR UPDATE",
                      {county}, "reading the county's last publication");
    if (PQntuples(r.get()) == 0) return std::nullopt;
    Watermark w;
    w.registry_uuid = PQgetvalue(r.get(), 0, 0);
    w.change_seq = std::stoll(PQgetvalue(r.get(), 0, 1));
    w.max_door_plate = std::stoll(PQgetvalue(r.get(), 0, 2));
    w.max_place_name = std::stoll(PQgetvalue(r.get(), 0, 3));
    w.max_history = std::stoll(PQgetvalue(r.get(), 0, 4));
    if (!PQgetisnull(r.get(), 0, 5)) w.match_run = std::stoll(PQgetvalue(r.get(), 0, 5));
    return w;
}

// The registry's own watermark, read in the same snapshot as the rows.
Watermark registry_watermark(store::Database& db) {
    Watermark w;
    auto s = db.prepare("SELECT (SELECT uuid FROM registry_identity), (SELECT coalesce(max(seq), 0) FROM registry_changes), "
                        "(SELECT coalesce(max(id), 0) FROM door_plates), (SELECT coalesce(max(id), 0) FROM place_names), "
                        "(SELECT coalesce(max(id), 0) FROM place_name_history), "
                        "(SELECT max(id) FROM match_runs WHERE finished_at IS NOT NULL)");
    s.step();
    w.registry_uuid = s.column_text(0);
    w.change_seq = s.column_int(1);
    w.max_door_plate = s.column_int(2);
    w.max_place_name = s.column_int(3);
    w.max_history = s.column_int(4);
    w.match_run = s.column_int_opt(5);
    return w;
}

// The keys changed since `seq` whose row is no longer in the county: to delete.
std::string gone_keys(store::Database& db, const char* table, const std::string& exists_sql, const std::string& county, std::int64_t seq) {
    auto s = db.prepare(std::string{"SELECT c.row_key FROM registry_changes c WHERE c.table_name = ?1 AND c.seq > ?2 AND NOT EXISTS ("} + exists_sql + ")");
    s.bind_all(table, seq, county);
    std::string list;
    while (s.step()) list += (list.empty() ? "" : ",") + s.column_text(0);
    return list;
}

// `keys` are the registry's keys, comma-separated: ids (their fid is the county's base plus
// the id), or division codes (their own fid).
long long delete_keys(pg::Connection& pg, const std::string& q, const char* table, const std::string& county, const std::string& keys) {
    if (keys.empty()) return 0;
    const long long base = std::string_view{table} == "divisions" ? 0 : county_key_range(table, county).first;
    auto r = pg.query("DELETE FROM " + q + "." + table + " WHERE fid = ANY (SELECT k + $2::bigint FROM unnest(string_to_array($1, ',')::bigint[]) k)",
                      {keys, std::to_string(base)}, "deleting rows the registry no longer has");
    return std::stoll(PQcmdTuples(r.get()));
}

using Fill = std::function<void(pg::CopyRow&)>;  // writes one row's fields
using Emit = std::function<void(const Fill&)>;   // sends one row
using Rows = std::function<void(const Emit&)>;   // emits every row to send

// COPY into a temporary table shaped like the rows, then one INSERT … ON CONFLICT into the
// county's partition: the rows arrive in bulk and replace the ones they update.
long long stage_and_upsert(pg::Connection& pg, const std::string& stage_columns, const std::string& upsert, const std::string& county,
                           std::int64_t publication, const Rows& rows, const char* what) {
    pg.exec("CREATE TEMP TABLE stage (" + stage_columns + ") ON COMMIT DROP", what);
    pg.copy_in("COPY stage FROM STDIN", what, [&](auto&& emit) { rows([&](const Fill& fill) { emit(fill); }); });
    auto r = pg.query(upsert, {county, std::to_string(publication)}, what);
    pg.exec("DROP TABLE stage", what);
    return std::stoll(PQcmdTuples(r.get()));
}

// ---- what each table sends ---------------------------------------------------------------

TableCounts publish_divisions(store::Database& db, pg::Connection& pg, const std::string& q, const std::string& county, std::int64_t pub,
                              const std::optional<Watermark>& since) {
    TableCounts out;
    out.written = stage_and_upsert(
        pg, "code text, name text, short_name text, level smallint, kind text, parent_code text, wkb text",
        "INSERT INTO " + q + ".divisions (fid, county_code, code, name, short_name, level, kind, parent_code, geom, publication_id) "
        "SELECT code::bigint, $1::text, code, name, short_name, level, kind, parent_code, ST_Multi(ST_GeomFromWKB(decode(wkb, 'hex'), 4490)), $2::bigint FROM stage "
        "ON CONFLICT (fid) DO UPDATE SET name = EXCLUDED.name, short_name = EXCLUDED.short_name, level = EXCLUDED.level, "
        "kind = EXCLUDED.kind, parent_code = EXCLUDED.parent_code, geom = EXCLUDED.geom, publication_id = EXCLUDED.publication_id",
        county, pub,
        [&](const auto& emit) {
            auto s = db.prepare("SELECT code, name, short_name, level, kind, parent_code, CASE WHEN geom IS NULL THEN NULL ELSE hex(AsBinary(geom)) END "
                                "FROM divisions WHERE substr(code, 1, 6) = ?1 AND (?2 OR code IN "
                                "(SELECT row_key FROM registry_changes WHERE table_name = 'divisions' AND seq > ?3))");
            s.bind_all(county, since ? 0 : 1, since ? since->change_seq : 0);
            while (s.step()) {
                emit([&](pg::CopyRow& r) {
                    r.text(s.column_text(0)).text(s.column_text(1)).text(s.column_text(2)).integer(s.column_int(3)).text(s.column_text(4));
                    r.text(opt_text(s, 5)).text(opt_text(s, 6));
                });
            }
        },
        "publishing the divisions");
    if (since) {
        out.deleted = delete_keys(pg, q, "divisions", county,
                                  gone_keys(db, "divisions", "SELECT 1 FROM divisions d WHERE d.code = c.row_key AND substr(d.code, 1, 6) = ?3", county, since->change_seq));
    }
    return out;
}

TableCounts publish_place_names(store::Database& db, pg::Connection& pg, const std::string& q, const std::string& county, std::int64_t pub,
                                const std::optional<Watermark>& since) {
    TableCounts out;
    const std::string columns = "SELECT p.id, p.name, p.pinyin, p.category_code, c.name, p.division_code, p.status, p.meaning, p.origin, p.approval_doc, "
                                "p.approval_date, p.created_at, p.updated_at, CASE WHEN p.geom IS NULL THEN NULL ELSE hex(AsBinary(p.geom)) END "
                                "FROM place_names p JOIN place_name_categories c ON c.code = p.category_code WHERE substr(p.division_code, 1, 6) = ?1 ";
    out.written = stage_and_upsert(
        pg,
        "id bigint, name text, pinyin text, category_code text, category text, division_code text, status text, meaning text, origin text, "
        "approval_doc text, approval_date date, created_at timestamptz, updated_at timestamptz, wkb text",
        "INSERT INTO " + q + ".place_names (fid, county_code, id, name, pinyin, category_code, category, division_code, status, meaning, origin, "
        "approval_doc, approval_date, created_at, updated_at, geom, publication_id) "
        "SELECT $1::text::bigint * 1000000000000 + id, $1::text, id, name, pinyin, category_code, category, division_code, status, meaning, origin, approval_doc, approval_date, created_at, "
        "updated_at, ST_GeomFromWKB(decode(wkb, 'hex'), 4490), $2::bigint FROM stage "
        "ON CONFLICT (fid) DO UPDATE SET name = EXCLUDED.name, pinyin = EXCLUDED.pinyin, category_code = EXCLUDED.category_code, "
        "category = EXCLUDED.category, division_code = EXCLUDED.division_code, status = EXCLUDED.status, meaning = EXCLUDED.meaning, "
        "origin = EXCLUDED.origin, approval_doc = EXCLUDED.approval_doc, approval_date = EXCLUDED.approval_date, "
        "updated_at = EXCLUDED.updated_at, geom = EXCLUDED.geom, publication_id = EXCLUDED.publication_id",
        county, pub,
        [&](const auto& emit) {
            // New names by id, changed ones from the change log: two disjoint sets.
            auto s = since ? db.prepare(columns + "AND p.id > ?2 UNION ALL " + columns +
                                        "AND p.id <= ?2 AND p.id IN (SELECT CAST(row_key AS INTEGER) FROM registry_changes "
                                        "WHERE table_name = 'place_names' AND seq > ?3)")
                           : db.prepare(columns);
            s.bind(1, county);
            if (since) s.bind(2, since->max_place_name).bind(3, since->change_seq);
            while (s.step()) {
                emit([&](pg::CopyRow& r) {
                    r.integer(s.column_int(0));
                    for (int c = 1; c <= 6; ++c) r.text(s.column_text(c));
                    for (int c = 7; c <= 10; ++c) r.text(opt_text(s, c));
                    r.text(s.column_text(11)).text(s.column_text(12)).text(opt_text(s, 13));
                });
            }
        },
        "publishing the place names");
    if (since) {
        out.deleted = delete_keys(pg, q, "place_names", county,
                                  gone_keys(db, "place_names",
                                            "SELECT 1 FROM place_names p WHERE p.id = CAST(c.row_key AS INTEGER) AND substr(p.division_code, 1, 6) = ?3",
                                            county, since->change_seq));
    }
    return out;
}

// Renamings are append-only: the new ones are those above the last id published.
TableCounts publish_renamings(store::Database& db, pg::Connection& pg, const std::string& q, const std::string& county, std::int64_t pub,
                              const std::optional<Watermark>& since) {
    TableCounts out;
    out.written = stage_and_upsert(
        pg,
        "id bigint, place_name_id bigint, former_name text, former_pinyin text, new_name text, decision_doc text, decided_on date, "
        "effective_on date, reason text, recorded_at timestamptz",
        "INSERT INTO " + q + ".place_name_history (fid, county_code, id, place_name_id, former_name, former_pinyin, new_name, decision_doc, decided_on, "
        "effective_on, reason, recorded_at, publication_id) "
        "SELECT $1::text::bigint * 1000000000000 + id, $1::text, id, place_name_id, former_name, former_pinyin, new_name, decision_doc, decided_on, effective_on, reason, recorded_at, $2::bigint "
        "FROM stage ON CONFLICT (fid) DO NOTHING",
        county, pub,
        [&](const auto& emit) {
            auto s = db.prepare("SELECT h.id, h.place_name_id, h.former_name, h.former_pinyin, h.new_name, h.decision_doc, h.decided_on, "
                                "h.effective_on, h.reason, h.recorded_at FROM place_name_history h JOIN place_names p ON p.id = h.place_name_id "
                                "WHERE substr(p.division_code, 1, 6) = ?1 AND h.id > ?2");
            s.bind_all(county, since ? since->max_history : 0);
            while (s.step()) {
                emit([&](pg::CopyRow& r) {
                    r.integer(s.column_int(0)).integer(s.column_int(1));
                    for (int c = 2; c <= 9; ++c) r.text(s.column_text(c));
                });
            }
        },
        "publishing the renamings");
    return out;
}

TableCounts publish_addresses(store::Database& db, pg::Connection& pg, const std::string& q, const std::string& county, std::int64_t pub,
                              const std::optional<Watermark>& since) {
    TableCounts out;
    const std::string columns = "SELECT d.id, d.plate_type, d.parent_id, d.place_name_id, p.name, d.hamlet, d.number, d.suffix, d.compound, d.building, "
                                "d.unit, d.room, d.town_code, d.community_code, d.standard_address, d.status, d.created_at, d.updated_at, "
                                "X(d.geom), Y(d.geom) FROM door_plates d JOIN place_names p ON p.id = d.place_name_id "
                                "WHERE substr(d.town_code, 1, 6) = ?1 ";
    const std::string fields = "id, plate_type, parent_id, place_name_id, place_name, hamlet, number, suffix, compound, building, unit, room, "
                               "town_code, community_code, standard_address, status, created_at, updated_at";
    // The columns from id to updated_at, as the statement reads them.
    const auto row = [](pg::CopyRow& r, const store::Statement& s) {
        r.integer(s.column_int(0)).text(s.column_text(1)).integer(opt_int(s, 2)).integer(s.column_int(3));
        r.text(s.column_text(4)).text(s.column_text(5)).integer(opt_int(s, 6));
        for (int c = 7; c <= 12; ++c) r.text(s.column_text(c));
        r.text(opt_text(s, 13)).text(s.column_text(14)).text(s.column_text(15)).text(s.column_text(16)).text(s.column_text(17));
    };
    if (!since) {
        // A full copy goes straight into the emptied partition: nothing to update, so no
        // staging table and no second pass (most of a first publication's time).
        const long long base = county_key_range("addresses", county).first;
        auto s = db.prepare(columns);
        s.bind(1, county);
        out.written = pg.copy_in("COPY " + q + ".addresses (fid, county_code, " + fields + ", geom, publication_id) FROM STDIN",
                                 "publishing the standard addresses", [&](auto&& emit) {
                                     while (s.step()) {
                                         emit([&](pg::CopyRow& r) {
                                             r.integer(base + s.column_int(0)).text(county);
                                             row(r, s);
                                             r.point(4490, s.column_double(18), s.column_double(19)).integer(pub);
                                         });
                                     }
                                 });
        return out;
    }
    out.written = stage_and_upsert(
        pg,
        "id bigint, plate_type text, parent_id bigint, place_name_id bigint, place_name text, hamlet text, number integer, suffix text, "
        "compound text, building text, unit text, room text, town_code text, community_code text, standard_address text, status text, "
        "created_at timestamptz, updated_at timestamptz, lon double precision, lat double precision",
        "INSERT INTO " + q + ".addresses (fid, county_code, " + fields + ", geom, publication_id) "
        "SELECT $1::text::bigint * 1000000000000 + id, $1::text, " + fields + ", ST_SetSRID(ST_MakePoint(lon, lat), 4490), $2::bigint FROM stage "
        "ON CONFLICT (fid) DO UPDATE SET plate_type = EXCLUDED.plate_type, parent_id = EXCLUDED.parent_id, "
        "place_name_id = EXCLUDED.place_name_id, place_name = EXCLUDED.place_name, hamlet = EXCLUDED.hamlet, number = EXCLUDED.number, "
        "suffix = EXCLUDED.suffix, compound = EXCLUDED.compound, building = EXCLUDED.building, unit = EXCLUDED.unit, room = EXCLUDED.room, "
        "town_code = EXCLUDED.town_code, community_code = EXCLUDED.community_code, standard_address = EXCLUDED.standard_address, "
        "status = EXCLUDED.status, updated_at = EXCLUDED.updated_at, geom = EXCLUDED.geom, publication_id = EXCLUDED.publication_id",
        county, pub,
        [&](const auto& emit) {
            // New plates by id, changed ones from the change log: two disjoint sets.
            auto s = db.prepare(columns + "AND d.id > ?2 UNION ALL " + columns +
                                "AND d.id <= ?2 AND d.id IN (SELECT CAST(row_key AS INTEGER) FROM registry_changes "
                                "WHERE table_name = 'door_plates' AND seq > ?3)");
            s.bind(1, county).bind(2, since->max_door_plate).bind(3, since->change_seq);
            while (s.step()) {
                emit([&](pg::CopyRow& r) {
                    row(r, s);
                    r.number(s.column_double(18)).number(s.column_double(19));
                });
            }
        },
        "publishing the standard addresses");
    out.deleted = delete_keys(pg, q, "addresses", county,
                              gone_keys(db, "door_plates", "SELECT 1 FROM door_plates d WHERE d.id = CAST(c.row_key AS INTEGER) AND substr(d.town_code, 1, 6) = ?3",
                                        county, since->change_seq));
    return out;
}

// The latest finished run's rates, for the county as a whole and each of its towns and
// communities; replaced whole when a newer run has finished.
long long publish_match_rates(store::Database& db, pg::Connection& pg, const std::string& q, const std::string& county, std::int64_t pub,
                              std::int64_t run) {
    auto s = db.prepare("SELECT finished_at, summary FROM match_runs WHERE id = ?1");
    s.bind(1, run);
    if (!s.step()) return 0;
    const std::string finished = s.column_text(0);
    const auto summary = nlohmann::json::parse(s.column_text(1), nullptr, false);
    if (!summary.is_object()) return 0;
    const auto [from, to] = county_key_range("match_rates", county);
    pg.query("DELETE FROM " + q + ".match_rates WHERE fid >= $1 AND fid < $2", {std::to_string(from), std::to_string(to)}, "replacing the match rates");
    auto divisions = db.prepare("SELECT code, name, level FROM divisions WHERE substr(code, 1, 6) = ?1 AND level >= 3 ORDER BY code");
    divisions.bind(1, county);
    const auto by_division = summary.value("by_division", nlohmann::json::object());
    const auto ratio = [](std::int64_t part, std::int64_t whole) { return whole ? static_cast<double>(part) / static_cast<double>(whole) : 0.0; };
    long long rows = 0;
    pg.copy_in("COPY " + q + ".match_rates (fid, county_code, division_code, division_name, level, run_id, run_finished_at, police_records, "
                             "textual_rate, spatial_rate, governed_rate, publication_id) FROM STDIN",
               "publishing the match rates", [&](auto&& emit) {
                   while (divisions.step()) {
                       const std::string code = divisions.column_text(0);
                       const auto level = divisions.column_int(2);
                       if (level == 3) {
                           const auto governed = summary.value("governed", nlohmann::json::object());
                           emit([&](pg::CopyRow& r) {
                               r.integer(std::stoll(code)).text(county).text(code).text(divisions.column_text(1)).integer(level).integer(run).text(finished);
                               r.integer(summary.value("police_records", std::int64_t{0})).number(summary.value("textual_rate", 0.0));
                               r.number(summary.value("spatial_rate", 0.0)).number(governed.value("textual_rate", summary.value("textual_rate", 0.0)));
                               r.integer(pub);
                           });
                           ++rows;
                           continue;
                       }
                       if (!by_division.contains(code)) continue;
                       const auto& d = by_division[code];
                       const auto police = d.value("police_records", std::int64_t{0});
                       emit([&](pg::CopyRow& r) {
                           r.integer(std::stoll(code)).text(county).text(code).text(divisions.column_text(1)).integer(level).integer(run).text(finished);
                           r.integer(police);
                           r.number(ratio(d.value("textual", std::int64_t{0}), police)).null();
                           r.number(ratio(d.value("governed_textual", std::int64_t{0}), d.value("governed_police_records", std::int64_t{0})));
                           r.integer(pub);
                       });
                       ++rows;
                   }
               });
    return rows;
}

nlohmann::json counts_json(const Publication& p) {
    auto t = [](const TableCounts& c) { return nlohmann::json{{"written", c.written}, {"deleted", c.deleted}}; };
    return {{"divisions", t(p.divisions)}, {"place_names", t(p.place_names)}, {"renamings", t(p.renamings)}, {"addresses", t(p.addresses)},
            {"match_rates", p.match_rates}, {"match_run", p.match_run ? nlohmann::json(*p.match_run) : nlohmann::json(nullptr)}};
}

} // namespace

Publication publish(store::Database& db, const PublishOptions& options) {
    if (options.schema.empty() || options.schema.size() > 63 || options.schema.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos ||
        (options.schema[0] >= '0' && options.schema[0] <= '9')) {
        throw input_error{"--schema: '" + options.schema + "' is not a schema name diming uses (lower-case letters, digits and _, up to 63)"};
    }
    Publication out;
    const auto started = utc_now();
    std::tie(out.county_code, out.county_name) = county_of(db, options.county);
    auto pg = pg::Connection::open(options.target);
    out.target = pg.description();
    const std::string q = pg.quote_identifier(options.schema);
    ensure_province_schema(pg, options.schema);

    Watermark now;
    {
        // The registry is read in one snapshot: the rows sent and the watermark recorded agree.
        store::ReadSnapshot snapshot{db};
        now = registry_watermark(db);
        pg.exec("BEGIN", "starting the county's transaction");
        try {
            pg.query("SELECT pg_advisory_xact_lock(hashtext('diming publish: ' || $1))", {out.county_code}, "waiting for another publication of this county");
            ensure_county_partitions(pg, options.schema, out.county_code);
            auto since = province_watermark(pg, q, out.county_code);
            if (options.full) out.why_full = "asked for (--full)";
            else if (!since) out.why_full = "the province has no copy of this county yet";
            else if (since->registry_uuid != now.registry_uuid) out.why_full = "the province's copy came from another registry file";
            out.full_copy = !out.why_full.empty();
            if (out.full_copy) {
                for (const char* table : {"divisions", "place_names", "place_name_history", "addresses", "match_rates"}) {
                    const auto [from, to] = county_key_range(table, out.county_code);
                    pg.query("DELETE FROM " + q + "." + table + " WHERE fid >= $1 AND fid < $2", {std::to_string(from), std::to_string(to)},
                             "clearing the county's copy");
                }
                since.reset();
            }
            auto made = pg.query("INSERT INTO " + q + ".publications (county_code, registry_uuid, full_copy, published_by) VALUES ($1, $2, $3, $4) RETURNING id",
                                 {out.county_code, now.registry_uuid, out.full_copy ? "true" : "false", options.actor}, "recording the publication");
            out.province_id = std::stoll(PQgetvalue(made.get(), 0, 0));

            out.divisions = publish_divisions(db, pg, q, out.county_code, out.province_id, since);
            out.place_names = publish_place_names(db, pg, q, out.county_code, out.province_id, since);
            out.renamings = publish_renamings(db, pg, q, out.county_code, out.province_id, since);
            out.addresses = publish_addresses(db, pg, q, out.county_code, out.province_id, since);
            if (now.match_run && (!since || since->match_run != now.match_run)) {
                out.match_rates = publish_match_rates(db, pg, q, out.county_code, out.province_id, *now.match_run);
            }
            out.match_run = now.match_run;

            const auto counts = counts_json(out).dump();
            pg.query("UPDATE " + q + ".publications SET counts = $2::jsonb WHERE id = $1", {std::to_string(out.province_id), counts}, "recording the publication");
            pg.query("INSERT INTO " + q + ".counties (county_code, county_name, registry_uuid, change_seq, max_door_plate, max_place_name, max_history, "
                         "match_run_id, publication_id, published_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now()) "
                         "ON CONFLICT (county_code) DO UPDATE SET county_name = EXCLUDED.county_name, registry_uuid = EXCLUDED.registry_uuid, "
                         "change_seq = EXCLUDED.change_seq, max_door_plate = EXCLUDED.max_door_plate, max_place_name = EXCLUDED.max_place_name, "
                         "max_history = EXCLUDED.max_history, match_run_id = EXCLUDED.match_run_id, publication_id = EXCLUDED.publication_id, "
                         "published_at = EXCLUDED.published_at",
                     {out.county_code, out.county_name, now.registry_uuid, std::to_string(now.change_seq), std::to_string(now.max_door_plate),
                      std::to_string(now.max_place_name), std::to_string(now.max_history),
                      now.match_run ? pg::Param{std::to_string(*now.match_run)} : pg::Param{}, std::to_string(out.province_id)},
                     "recording the county's publication");
            pg.exec("COMMIT", "committing the county's copy");
        } catch (const publish_error& e) {
            try {
                pg.exec("ROLLBACK", "rolling back");
            } catch (const publish_error&) {
                // The connection is gone: PostgreSQL rolls the transaction back itself.
            }
            throw publish_error{"county " + out.county_code + " was not published to " + out.target + ", and the province's copy is as it was: " + e.what()};
        }
    }

    // The county's own record, once the province holds the copy.
    store::Transaction tx{db};
    const auto counts = counts_json(out).dump();
    db.prepare("INSERT INTO publications(target, county_code, full_copy, change_seq, max_door_plate, max_place_name, max_history, match_run_id, "
               "counts, started_at, finished_at, published_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)")
        .bind_all(out.target + " schema=" + options.schema, out.county_code, out.full_copy ? 1 : 0, now.change_seq, now.max_door_plate,
                  now.max_place_name, now.max_history, now.match_run, counts, started, utc_now(), options.actor)
        .run();
    out.id = db.last_insert_rowid();
    nlohmann::json after = nlohmann::json::parse(counts);
    after["target"] = out.target;
    after["schema"] = options.schema;
    after["province_publication"] = out.province_id;
    after["full_copy"] = out.full_copy;
    store::record_change(db, {options.actor, "registry.publish", "publications", std::to_string(out.id), std::nullopt, after.dump()});
    tx.commit();
    return out;
}

} // namespace diming::publish
