#include "importers/import.hpp"

#include "core/digest.hpp"
#include "core/progress.hpp"
#include "importers/record_mapping.hpp"
#include "importers/registry_load.hpp"
#include "importers/source_reader.hpp"
#include "store/audit_log.hpp"
#include "store/bulk_load.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <future>
#include <vector>

namespace diming::import {

SourceKind parse_source_kind(const std::string& s) {
    if (s == "police") return SourceKind::police;
    if (s == "civil") return SourceKind::civil;
    throw import_error{"--source: '" + s + "' is not police or civil"};
}

const char* to_string(SourceKind k) { return k == SourceKind::police ? "police" : "civil"; }

namespace {

using nlohmann::json;

std::filesystem::path rejects_path(const ImportRequest& r) {
    if (!r.rejects.empty()) return r.rejects;
    return std::filesystem::current_path() / (r.dataset.filename().string() + ".rejects.csv");
}

std::int64_t count_rows(const store::Database& db, const char* sql) {
    auto st = db.prepare(sql);
    return st.step() ? st.column_int(0) : 0;
}

// A bulk import appends pages; with a rollback journal they are written once, where WAL
// writes them twice (log, then checkpoint). A kill still leaves the file as it was: the
// journal rolls back on the next open. Only possible while no other connection is open, and
// the registry goes back to WAL however the import ends.
class BulkJournal {
public:
    explicit BulkJournal(store::Database& db) : db_{db} { switched_ = set("DELETE"); }
    ~BulkJournal() {
        if (switched_) set("WAL");
    }
    BulkJournal(const BulkJournal&) = delete;
    BulkJournal& operator=(const BulkJournal&) = delete;

private:
    bool set(const char* mode) noexcept {
        try {
            auto st = db_.prepare(std::string{"PRAGMA journal_mode = "} + mode);
            return st.step() && st.column_text(0) == (std::string{mode} == "WAL" ? "wal" : "delete");
        } catch (...) {
            return false;
        }
    }
    store::Database& db_;
    bool switched_ = false;
};

// The checks against the registry that need no row: it has divisions, and this file was not
// imported before (unless --replace). Returns the dataset the import replaces (0: none).
std::int64_t check_registry(ImportSession& s, const std::string& file) {
    if (count_rows(s.db, "SELECT count(*) FROM divisions") == 0) {
        throw import_error{file + ": the registry " + s.db.path().string() +
                           " has no administrative divisions yet, so no row could be placed in a town or community and nothing was imported. "
                           "Load them first: diming import-divisions --db " + s.db.path().string() + " data/divisions/330482.csv (or your county's code,name CSV)"};
    }
    auto existing = s.db.prepare("SELECT id, imported_at FROM datasets WHERE sha256 = ?1 AND source_kind = ?2 AND status = 'active'");
    existing.bind_all(s.result.sha256, std::string{to_string(s.req.source)});
    if (!existing.step()) return 0;
    if (!s.req.replace) {
        throw import_error{file + ": this file (sha256 " + s.result.sha256.substr(0, 12) + "…) was already imported as dataset " +
                           std::to_string(existing.column_int(0)) + " on " + existing.column_text(1) +
                           "; use --replace to import it again in place of that one"};
    }
    return existing.column_int(0);
}

// Loads a layer whose rows become source addresses, then names its columns once
// (source_layers) for the ids its rows took: their raw fields are arrays in that order.
template <class Load>
void record_layer(ImportSession& s, const SourceLayer& l, Load load) {
    const auto before = count_rows(s.db, "SELECT coalesce(max(id), 0) FROM source_addresses");
    load();
    const auto after = count_rows(s.db, "SELECT coalesce(max(id), 0) FROM source_addresses");
    if (after <= before) return;
    s.db.prepare("INSERT INTO source_layers(dataset_id, layer, columns, first_id, last_id) VALUES (?1, ?2, ?3, ?4, ?5)")
        .bind_all(s.result.dataset_id, l.name, columns_json(l), before + 1, after)
        .run();
}

std::string profile_json(const ImportRequest& req) {
    json layers = json::array();
    for (const auto& m : req.profile.layers) {
        layers.push_back({{"layer", m.layer}, {"target", to_string(m.target)}, {"id", m.id_column}, {"address", m.address_column},
                          {"fields", m.fields}, {"constants", m.constants}, {"x", m.x_column}, {"y", m.y_column}});
    }
    return json{{"name", req.profile.name}, {"encoding", req.profile.encoding}, {"crs", req.profile.crs}, {"layers", layers}}.dump();
}

void create_dataset(ImportSession& s, const SourceDataset& source) {
    std::string layer_names;
    for (const auto& l : source.layers) layer_names += (layer_names.empty() ? "" : ",") + l.name;
    s.db.prepare("INSERT INTO datasets(source_kind, file_name, layer, sha256, crs, encoding, profile, imported_by) "
                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
        .bind_all(std::string{to_string(s.req.source)}, std::filesystem::absolute(s.req.dataset).string(), layer_names, s.result.sha256,
                  s.req.profile.crs.empty() ? std::string{"(layer's own)"} : s.req.profile.crs, s.req.profile.encoding,
                  profile_json(s.req), s.req.actor)
        .run();
    s.result.dataset_id = s.db.last_insert_rowid();
}

void finish_dataset(ImportSession& s, std::int64_t replaced) {
    s.db.prepare("UPDATE datasets SET rows_read = ?2, rows_imported = ?3, rows_rejected = ?4 WHERE id = ?1")
        .bind_all(s.result.dataset_id, s.result.rows_read, s.result.rows_imported, s.rejects.count())
        .run();
    if (replaced) {
        s.db.prepare("UPDATE datasets SET status = 'replaced' WHERE id = ?1").bind_all(replaced).run();
        // Rows no match run points at go; the others stay as evidence of past runs.
        s.db.prepare("DELETE FROM source_addresses WHERE dataset_id = ?1 AND id NOT IN "
                     "(SELECT police_address_id FROM match_results UNION SELECT civil_address_id FROM match_results WHERE civil_address_id IS NOT NULL)")
            .bind_all(replaced)
            .run();
        s.result.replaced_dataset_id = replaced;
    }
    json after{{"dataset_id", s.result.dataset_id}, {"file", s.req.dataset.string()}, {"sha256", s.result.sha256},
               {"rows_read", s.result.rows_read}, {"rows_imported", s.result.rows_imported}, {"rows_rejected", s.rejects.count()},
               {"imported", s.result.imported_by_target}, {"replaced_dataset_id", replaced}};
    store::record_change(s.db, {s.req.actor, "dataset.import", "datasets", std::to_string(s.result.dataset_id), std::nullopt, after.dump()});
}

// The rejects, most frequent reason first, for a message.
std::string reasons_summary(const RejectLog& rejects) {
    std::vector<std::pair<std::string, std::int64_t>> reasons(rejects.by_reason().begin(), rejects.by_reason().end());
    std::stable_sort(reasons.begin(), reasons.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    std::string s;
    for (const auto& [reason, n] : reasons) s += (s.empty() ? "" : ", ") + reason + " " + std::to_string(n);
    std::string out = "\n  reasons: " + s;
    for (const auto& f : rejects.first()) out += "\n  " + f;
    out += "\n  (every rejected row: " + rejects.path().string() + ")";
    return out;
}

// Whether the import as read may be committed. An import that imported nothing, that found
// the registry without what its rows need, or whose rows were mostly rejected, is refused
// whole: a dataset recorded as imported must be one the bureau can work with.
void check_outcome(const ImportSession& s, std::int64_t place_names_before) {
    const std::string file = s.file();
    const auto& r = s.result;
    const auto rejected = s.rejects.count();
    if (s.req.strict && rejected > 0) {
        throw import_error{file + ": " + std::to_string(rejected) + " row(s) rejected and --strict is set, so nothing was imported:" +
                           reasons_summary(s.rejects)};
    }
    if (r.rows_read == 0) throw import_error{file + ": the mapped layer(s) have no rows, so there is nothing to import"};
    const auto unknown_roads = s.rejects.count("road-unknown");
    if (unknown_roads > 0 && place_names_before == 0 && r.imported_by_target.count("place_names") == 0) {
        throw import_error{file + ": " + std::to_string(unknown_roads) + " plate(s) name a road the registry does not have, and it has no "
                           "place names at all, so nothing was imported. Import the roads first (a place_names layer in the profile, "
                           "as importers/profiles/civil-sample.json does), or the civil dataset that holds them." + reasons_summary(s.rejects)};
    }
    if (r.rows_imported == 0) {
        std::string hint;
        if (s.rejects.count("division-unknown") > 0) hint = " The rows name divisions the registry lacks: load them with diming import-divisions.";
        else if (unknown_roads > 0) hint = " The rows name roads the registry lacks: import the roads (place names) first.";
        else if (s.rejects.count("coordinates-outside-extent") > 0) hint = " The coordinates fall outside the registry's county: check the profile's crs (and extent).";
        else if (s.rejects.count("encoding") > 0) hint = " The text does not decode: check the profile's encoding.";
        throw import_error{file + ": every one of its " + std::to_string(r.rows_read) + " rows was rejected, so nothing was imported." + hint +
                           reasons_summary(s.rejects)};
    }
    const double rate = static_cast<double>(rejected) / static_cast<double>(r.rows_read);
    if (rate > s.req.max_reject_rate) {
        char shown[64];
        std::snprintf(shown, sizeof shown, "%.1f%%", 100.0 * rate);
        char limit[32];
        std::snprintf(limit, sizeof limit, "%g", s.req.max_reject_rate);
        throw import_error{file + ": " + std::to_string(rejected) + " of " + std::to_string(r.rows_read) + " rows (" + shown +
                           ") were rejected, more than --max-reject-rate " + limit +
                           " allows, so nothing was imported (a wrong profile, CRS or registry is more likely than that many bad rows). "
                           "If the rejects are expected, run again with a higher --max-reject-rate." + reasons_summary(s.rejects)};
    }
}

} // namespace

ImportResult import_dataset(store::Database& db, const ImportRequest& req) {
    if (!(req.max_reject_rate >= 0 && req.max_reject_rate <= 1)) throw import_error{"--max-reject-rate must be between 0 and 1"};
    Progress clock{"", 0, false};
    ImportSession s{db, req, rejects_path(req)};
    // Reading the file for its digest and loading the registry's names for the parser take a
    // second each on a large import; they run beside GDAL's opening and checking of the file
    // (which touches no database), not after it.
    auto digest = std::async(std::launch::async, [&] { return sha256_of_path(req.dataset); });
    const bool names_change = std::any_of(req.profile.layers.begin(), req.profile.layers.end(),
                                          [](const LayerMapping& m) { return m.target == Target::place_names; });
    std::future<address::Gazetteer> names;
    if (!names_change) names = std::async(std::launch::async, [&] { return address::Gazetteer::from_database(db); });
    // Every check that can fail before anything is written.
    SourceDataset source;
    try {
        source = open_source(req);
    } catch (...) {
        if (names.valid()) names.wait(); // the connection is the caller's again only then
        throw;
    }
    if (names.valid()) s.gazetteer.emplace(names.get());
    s.result.crs = source.layers.front().transform->description();
    s.result.encoding = req.profile.encoding;
    s.result.sha256 = digest.get();
    const std::int64_t replaced = check_registry(s, s.file());
    if (req.profile.extent) {
        const auto& e = *req.profile.extent;
        s.extent = Extent{e[0], e[1], e[2], e[3]};
    } else {
        s.extent = registry_extent(db);
    }
    const std::int64_t place_names_before = count_rows(db, "SELECT count(*) FROM place_names");

    // The rows are appended, so a modest page cache holds every page still being written;
    // a larger one only held more memory (measured: 256 MiB no faster than 16 MiB).
    db.exec("PRAGMA cache_size = -16384");
    BulkJournal journal{db};
    store::Transaction tx{db};
    create_dataset(s, source);
    store::BulkSpatialLoad sources{db, "source_addresses", "geom"};
    s.sources_index = &sources;
    store::BulkSpatialLoad plates{db, "door_plates", "geom"};
    for (Target t : {Target::divisions, Target::place_names, Target::door_plates, Target::addresses}) {
        for (const auto& l : source.layers) {
            if (l.mapping->target != t) continue;
            switch (t) {
            case Target::divisions: load_division_boundaries(s, l); break;
            case Target::place_names: load_place_names(s, l); break;
            case Target::door_plates: s.ensure_gazetteer(); record_layer(s, l, [&] { load_door_plates(s, l); }); break;
            case Target::addresses: s.ensure_gazetteer(); record_layer(s, l, [&] { load_addresses(s, l); }); break;
            }
        }
        if (t == Target::place_names && names_change) s.gazetteer.reset(); // new names: rebuild before parsing addresses
    }
    s.rejects.close();
    s.gazetteer.reset(); // its memory is the indexes' now
    check_outcome(s, place_names_before);
    plates.finish();
    sources.finish();
    finish_dataset(s, replaced);
    tx.commit();
    s.result.rows_rejected = s.rejects.count();
    s.result.rejected_by_reason = s.rejects.by_reason();
    if (s.rejects.written()) s.result.rejects_file = s.rejects.path();
    s.result.seconds = clock.elapsed_seconds();
    return s.result;
}

} // namespace diming::import
