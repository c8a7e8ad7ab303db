#include "importers/registry_load.hpp"

#include "core/bounded_queue.hpp"
#include "core/digest.hpp"
#include "core/progress.hpp"
#include "core/text.hpp"
#include "division/division_code.hpp"
#include "pinyin/romanizer.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_set>

namespace diming::import {

bool ImportSession::division_exists(const std::string& code) {
    if (auto it = division_known.find(code); it != division_known.end()) return it->second;
    auto st = db.prepare("SELECT 1 FROM divisions WHERE code = ?1");
    st.bind(1, code);
    return division_known[code] = st.step();
}

void ImportSession::ensure_gazetteer() {
    if (!gazetteer) gazetteer.emplace(address::Gazetteer::from_database(db));
}

std::optional<Extent> registry_extent(const store::Database& db) {
    auto st = db.prepare("SELECT MbrMinX(e), MbrMinY(e), MbrMaxX(e), MbrMaxY(e) FROM (SELECT Extent(geom) AS e FROM divisions WHERE geom IS NOT NULL)");
    if (!st.step() || st.is_null(0)) return std::nullopt;
    constexpr double margin = 0.02;
    return Extent{st.column_double(0) - margin, st.column_double(1) - margin, st.column_double(2) + margin, st.column_double(3) + margin};
}

namespace {

// The ids a layer has given so far, for the check that each appears once, kept as 128-bit
// digests in one open-addressing table: 16 bytes an id instead of a string and a hash node
// each (ten million ids in ~256 MiB, not ~1 GiB).
class SeenIds {
public:
    // False when the id was seen before.
    bool insert(const std::array<std::uint64_t, 2>& digest) {
        if ((used_ + 1) * 10 > slots_.size() * 7) grow();
        if (place(slots_, digest)) {
            ++used_;
            return true;
        }
        return false;
    }

private:
    using Digest = std::array<std::uint64_t, 2>;
    static constexpr Digest empty{0, 0}; // a digest of all zeros is taken as the one after it
    static Digest stored(Digest d) { return d == empty ? Digest{0, 1} : d; }
    static bool place(std::vector<Digest>& slots, const Digest& digest) {
        const Digest d = stored(digest);
        const std::size_t mask = slots.size() - 1;
        for (std::size_t i = d[0] & mask;; i = (i + 1) & mask) {
            if (slots[i] == d) return false;
            if (slots[i] == empty) {
                slots[i] = d;
                return true;
            }
        }
    }
    void grow() {
        std::vector<Digest> bigger(slots_.empty() ? 1 << 16 : slots_.size() * 2, empty);
        for (const auto& d : slots_) {
            if (d != empty) place(bigger, d);
        }
        slots_ = std::move(bigger);
    }
    std::vector<Digest> slots_;
    std::size_t used_ = 0;
};

constexpr std::string_view insert_source_sql =
    "INSERT INTO source_addresses(dataset_id, row_number, source_id, raw, raw_address, components, town_code, "
    "community_code, key_road, key_plate, key_building, key_room, flags, door_plate_id, geom) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, MakePoint(?15, ?16, 4490))";

// p's strings are bound in place (SQLite copies nothing): p outlives the insert.
void write_source_address(ImportSession& s, store::Statement& insert, const PreparedAddress& p, std::optional<std::int64_t> door_plate_id) {
    auto text_or_null = [&](int index, const std::string& v) {
        if (v.empty()) insert.bind(index, nullptr);
        else insert.bind_unowned(index, v);
    };
    insert.bind(1, s.result.dataset_id).bind(2, p.number);
    text_or_null(3, p.id);
    insert.bind_unowned(4, p.raw_json).bind_unowned(5, p.text).bind_unowned(6, p.components);
    text_or_null(7, p.town_code);
    text_or_null(8, p.community_code);
    insert.bind_unowned(9, p.key_road).bind_unowned(10, p.key_plate).bind_unowned(11, p.key_building).bind_unowned(12, p.key_room)
        .bind_unowned(13, p.flags).bind(14, door_plate_id);
    if (p.point) insert.bind(15, p.point->lon).bind(16, p.point->lat);
    else insert.bind(15, nullptr).bind(16, nullptr);
    insert.run();
}

bool category_exists(store::Database& db, const std::string& code) {
    auto st = db.prepare("SELECT 1 FROM place_name_categories WHERE code = ?1");
    st.bind(1, code);
    return st.step();
}

std::optional<Reject> import_plate(ImportSession& s, const SourceLayer& l, const SourceRow& row, const std::string& type, store::Statement& find_ref,
                                   store::Statement& find_door, store::Statement& find_child, store::Statement& insert,
                                   store::Statement& update, store::Statement& insert_source,
                                   std::unordered_set<std::string>& ids, std::unordered_set<std::string>& source_ids);

} // namespace

// Three stages: a reader thread takes rows from GDAL and decodes them, parser threads (one
// per core: parsing is most of an import's work) check and parse batches in parallel, and
// this thread writes them in the file's order, checking that ids are unique as it goes. The
// queues are bounded, so memory stays flat however large the file.
void load_addresses(ImportSession& s, const SourceLayer& l) {
    struct ReadBatch {
        std::uint64_t n = 0;
        std::vector<SourceRow> rows;
        std::vector<std::optional<Reject>> problems;
    };
    using Batch = std::vector<PreparedAddress>;
    const unsigned parsers = std::max(1u, std::thread::hardware_concurrency());
    BoundedQueue<ReadBatch> read_queue{4 * parsers};
    SequencedQueue<Batch> parsed_queue{4 * parsers};
    std::mutex errors_mutex;
    std::exception_ptr reader_error, parser_error;
    std::vector<std::thread> threads;
    struct Join {
        BoundedQueue<ReadBatch>& a;
        SequencedQueue<Batch>& b;
        std::vector<std::thread>& threads;
        ~Join() {
            a.close();
            b.close();
            for (auto& t : threads) {
                if (t.joinable()) t.join();
            }
        }
    } join{read_queue, parsed_queue, threads};
    threads.emplace_back([&] {
        try {
            ReadBatch batch;
            FeatureReader features{l, s.file()}; // GDAL's error handlers are per thread: trapped here
            for (gdal::Feature f = features.next(); f; f = features.next()) {
                SourceRow& row = batch.rows.emplace_back();
                row.number = features.rows_read();
                row.feature = f.get();
                take_point(row);
                batch.problems.push_back(decode_row(l, row));
                row.feature = nullptr;
                if (batch.rows.size() == 512) {
                    const auto n = batch.n;
                    if (!read_queue.push(std::move(batch))) return;
                    batch = {};
                    batch.n = n + 1;
                }
            }
            if (!batch.rows.empty()) read_queue.push(std::move(batch));
        } catch (...) {
            reader_error = std::current_exception();
            parsed_queue.close(); // the rows after the failure never come
        }
        read_queue.close();
    });
    std::atomic<unsigned> parsing{parsers};
    for (unsigned t = 0; t < parsers; ++t) {
        threads.emplace_back([&] {
            try {
                while (auto in = read_queue.pop()) {
                    Batch out(in->rows.size());
                    for (std::size_t i = 0; i < in->rows.size(); ++i) {
                        PreparedAddress& p = out[i];
                        if (in->problems[i]) {
                            p.number = in->rows[i].number;
                            p.reject = in->problems[i];
                        } else {
                            prepare_source_address(l, in->rows[i], *s.gazetteer, s.bounds(), nullptr, false, std::nullopt, p);
                            if (!p.id.empty()) p.id_digest = sha256_128(p.id); // here, on the parsers' cores
                        }
                        p.raw_json = std::move(in->rows[i].raw_json);
                    }
                    if (!parsed_queue.push(in->n, std::move(out))) break;
                }
            } catch (...) {
                std::lock_guard lock{errors_mutex};
                if (!parser_error) parser_error = std::current_exception();
                read_queue.close();
                parsed_queue.close();
            }
            if (--parsing == 0) parsed_queue.close();
        });
    }

    auto insert = s.db.prepare(insert_source_sql);
    Progress progress{"import " + l.name, l.features, s.req.progress};
    SeenIds ids;
    std::int64_t imported = 0;
    while (auto batch = parsed_queue.pop()) {
        for (auto& p : *batch) {
            ++s.result.rows_read;
            if (!p.id.empty() && !ids.insert(p.id_digest)) {
                p.reject = Reject{l.mapping->id_column, "id-duplicate", "id " + p.id + " appears again"};
            }
            if (p.reject) s.rejects.add(l.name, p.number, *p.reject, raw_object(l, p.raw_json));
            else {
                write_source_address(s, insert, p, std::nullopt);
                if (p.point) s.sources_index->index_point(s.db.last_insert_rowid(), p.point->lon, p.point->lat);
                ++imported;
            }
            progress.advance();
        }
    }
    progress.finish();
    for (auto& t : threads) t.join();
    if (reader_error) std::rethrow_exception(reader_error);
    if (parser_error) std::rethrow_exception(parser_error);
    s.result.rows_imported += imported;
    s.result.imported_by_target["addresses"] += imported;
}

void load_division_boundaries(ImportSession& s, const SourceLayer& l) {
    auto update = s.db.prepare("UPDATE divisions SET geom = CastToMultiPolygon(GeomFromWKB(?2, 4490)) WHERE code = ?1");
    std::int64_t imported = 0;
    for_each_row(l, s.file(), "", s.req.progress, [&](SourceRow& row) {
        ++s.result.rows_read;
        if (auto bad = decode_row(l, row)) return s.reject(l, row, *bad);
        const std::string code = field_value(l, row, "code");
        auto wkb = geometry_wkb(l, row, s.bounds(), true);
        if (auto* r = std::get_if<Reject>(&wkb)) return s.reject(l, row, *r);
        const auto& bytes = std::get<std::string>(wkb);
        update.bind(1, code).bind_blob(2, bytes.data(), bytes.size()).run();
        if (s.db.changes() == 0) {
            return s.reject(l, row, {l.mapping->fields.at("code"), "division-unknown",
                                   "division " + code + " is not in the registry (run diming import-divisions first)"});
        }
        ++imported;
    });
    s.result.rows_imported += imported;
    s.result.imported_by_target["divisions"] += imported;
    // Boundaries now known: they define the extent for the layers that follow.
    if (imported && !s.req.profile.extent) s.extent = registry_extent(s.db);
}

void load_place_names(ImportSession& s, const SourceLayer& l) {
    auto find = s.db.prepare("SELECT id FROM place_names WHERE source_ref = ?1");
    auto insert = s.db.prepare(
        "INSERT INTO place_names(name, pinyin, pinyin_key, pinyin_initials, category_code, division_code, status, registrar, source_ref, geom) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'registered', ?7, ?8, GeomFromWKB(?9, 4490))");
    auto update = s.db.prepare(
        "UPDATE place_names SET name = ?2, pinyin = ?3, pinyin_key = ?4, pinyin_initials = ?5, category_code = ?6, division_code = ?7, "
        "geom = GeomFromWKB(?8, 4490), updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = ?1");
    auto history_exists = s.db.prepare("SELECT 1 FROM place_name_history WHERE place_name_id = ?1 AND former_name = ?2");
    auto history = s.db.prepare(
        "INSERT INTO place_name_history(place_name_id, former_name, former_pinyin, new_name, decision_doc, decided_on, effective_on, reason, recorded_by) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    const auto& romanizer = pinyin::Romanizer::shared();
    std::unordered_set<std::string> ids;
    std::set<std::string> known_divisions, known_categories;
    std::int64_t imported = 0;
    for_each_row(l, s.file(), "", s.req.progress, [&](SourceRow& row) {
        ++s.result.rows_read;
        if (auto bad = decode_row(l, row)) return s.reject(l, row, *bad);
        const std::string name = field_value(l, row, "name");
        const std::string name_col = l.mapping->fields.at("name");
        if (name.empty()) return s.reject(l, row, {name_col, "name-empty", "empty name"});
        if (text::code_points(name) > 40) return s.reject(l, row, {name_col, "name-too-long", "longer than 40 characters"});
        std::string id = column_value(row, l.id_col);
        if (!id.empty() && !ids.insert(id).second) return s.reject(l, row, {l.mapping->id_column, "id-duplicate", "id " + id + " appears again"});
        std::string category = field_value(l, row, "category");
        if (category.empty()) category = category_for(name);
        if (category.empty()) return s.reject(l, row, {"category", "category-unknown", "no category given and none follows from the name"});
        if (!known_categories.contains(category)) {
            if (!category_exists(s.db, category)) return s.reject(l, row, {"category", "category-unknown", "category " + category + " is not in place_name_categories"});
            known_categories.insert(category);
        }
        const std::string division = field_value(l, row, "division_code");
        if (division.empty()) return s.reject(l, row, {"division_code", "division-unknown", "empty division code"});
        if (!known_divisions.contains(division)) {
            if (!s.division_exists(division)) return s.reject(l, row, {"division_code", "division-unknown", "division " + division + " is not in the registry"});
            known_divisions.insert(division);
        }
        auto wkb = geometry_wkb(l, row, s.bounds(), false);
        if (auto* r = std::get_if<Reject>(&wkb)) return s.reject(l, row, *r);
        const auto& bytes = std::get<std::string>(wkb);
        const bool one_word = category == "222";
        const auto r = romanizer.romanize(name, one_word ? pinyin::NameKind::one_word : pinyin::NameKind::generic_separate);
        std::string spelling = field_value(l, row, "pinyin");
        if (spelling.empty()) spelling = r.spelling;
        // Former names need their decision; check before writing anything of this row.
        const std::string former = field_value(l, row, "former_name");
        const std::string doc = field_value(l, row, "decision_doc"), decided = field_value(l, row, "decided_on"), effective = field_value(l, row, "effective_on");
        if (!former.empty() && (doc.empty() || decided.empty() || effective.empty())) {
            return s.reject(l, row, {"former_name", "history-incomplete", "a former name needs decision_doc, decided_on and effective_on"});
        }
        std::optional<std::int64_t> existing;
        if (!id.empty()) {
            find.bind(1, id);
            if (find.step()) existing = find.column_int(0);
            find.reset();
        }
        auto bind_geom = [&](store::Statement& st, int index) {
            if (bytes.empty()) st.bind(index, nullptr);
            else st.bind_blob(index, bytes.data(), bytes.size());
        };
        std::int64_t place_id;
        try {
            if (existing) {
                update.bind_all(*existing, name, spelling, r.key, r.initials, category, division);
                bind_geom(update, 8);
                update.run();
                place_id = *existing;
            } else {
                insert.bind_all(name, spelling, r.key, r.initials, category, division, s.req.actor,
                                id.empty() ? std::optional<std::string>{} : std::optional<std::string>{id});
                bind_geom(insert, 9);
                insert.run();
                place_id = s.db.last_insert_rowid();
            }
            if (!former.empty()) {
                history_exists.bind_all(place_id, former);
                const bool have = history_exists.step();
                history_exists.reset();
                if (!have) {
                    history.bind_all(place_id, former, field_value(l, row, "former_pinyin"), name, doc, decided, effective,
                                     field_value(l, row, "reason"), s.req.actor)
                        .run();
                }
            }
        } catch (const store::database_error& e) {
            insert.reset();
            update.reset();
            history.reset();
            return s.reject(l, row, {"(row)", "constraint", e.what()});
        }
        if (!id.empty()) s.place_by_ref[id] = place_id;
        s.place_by_name[name] = place_id;
        ++imported;
    });
    s.result.rows_imported += imported;
    s.result.imported_by_target["place_names"] += imported;
}

namespace {

// ---- door plates ----------------------------------------------------------------

// The place name a plate hangs on: by the road's id in the source, by name, or the
// administrative village (created as a registered place name on first use).
std::optional<std::int64_t> place_for_plate(ImportSession& s, const std::string& road_id, const std::string& road) {
    if (!road_id.empty()) {
        if (auto it = s.place_by_ref.find(road_id); it != s.place_by_ref.end()) return it->second;
        auto st = s.db.prepare("SELECT id FROM place_names WHERE source_ref = ?1");
        st.bind(1, road_id);
        if (st.step()) return s.place_by_ref[road_id] = st.column_int(0);
        if (!division::DivisionCode::why_invalid(road_id)) {
            auto dv = s.db.prepare("SELECT short_name, kind FROM divisions WHERE code = ?1 AND level = 5");
            dv.bind(1, road_id);
            if (dv.step()) {
                const std::string name = dv.column_text(0);
                const auto r = pinyin::Romanizer::shared().romanize(name);
                s.db.prepare("INSERT INTO place_names(name, pinyin, pinyin_key, pinyin_initials, category_code, division_code, status, registrar, source_ref) "
                            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'registered', ?7, ?6)")
                    .bind_all(name, r.spelling, r.key, r.initials, std::string{dv.column_text(1) == "village" ? "21610" : "21620"}, road_id, s.req.actor)
                    .run();
                return s.place_by_ref[road_id] = s.db.last_insert_rowid();
            }
        }
    }
    if (!road.empty()) {
        if (auto it = s.place_by_name.find(road); it != s.place_by_name.end()) return it->second;
        auto st = s.db.prepare("SELECT id FROM place_names WHERE name = ?1 AND status IN ('approved','registered','proposed')");
        st.bind(1, road);
        if (st.step()) return s.place_by_name[road] = st.column_int(0);
    }
    return std::nullopt;
}

} // namespace

void load_door_plates(ImportSession& s, const SourceLayer& l) {
    auto find_ref = s.db.prepare("SELECT id FROM door_plates WHERE source_ref = ?1");
    auto find_door = s.db.prepare("SELECT id FROM door_plates WHERE place_name_id = ?1 AND hamlet = ?2 AND number = ?3 AND suffix = ?4 "
                                 "AND plate_type = 'door' AND status <> 'cancelled'");
    auto find_child = s.db.prepare("SELECT id FROM door_plates WHERE parent_id = ?1 AND plate_type = ?2 AND building = ?3 AND unit = ?4 "
                                  "AND status <> 'cancelled'");
    auto insert = s.db.prepare(
        "INSERT INTO door_plates(plate_type, parent_id, place_name_id, hamlet, number, suffix, compound, building, unit, room, "
        "town_code, community_code, standard_address, source_ref, geom) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, MakePoint(?15, ?16, 4490))");
    auto update = s.db.prepare(
        "UPDATE door_plates SET compound = ?2, standard_address = ?3, community_code = ?4, geom = MakePoint(?5, ?6, 4490), "
        "updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = ?1");
    auto insert_source = s.db.prepare(insert_source_sql);
    std::unordered_set<std::string> ids, source_ids;
    std::int64_t imported = 0;
    // Doors first, then buildings and units, then flats: each finds its parent already there.
    const std::vector<std::vector<std::string>> passes{{"door"}, {"building"}, {"unit"}, {"room"}};
    for (std::size_t pass = 0; pass < passes.size(); ++pass) {
        for_each_row(l, s.file(), "(" + passes[pass].front() + " plates)", s.req.progress, [&](SourceRow& row) {
            // Every row is read once for counting, in the pass of its own type.
            auto problem = decode_row(l, row);
            const std::string type = plate_type_of(field_value(l, row, "plate_type"));
            if (pass == 0) {
                if (type.empty() && !problem) problem = Reject{"plate_type", "plate-type-unknown", "'" + field_value(l, row, "plate_type") + "' is not 门牌, 楼牌, 单元牌 or 户室牌"};
                if (problem || type.empty()) {
                    ++s.result.rows_read;
                    return s.reject(l, row, *problem);
                }
            }
            if (problem || type != passes[pass].front()) return;
            ++s.result.rows_read;
            if (auto bad = import_plate(s, l, row, type, find_ref, find_door, find_child, insert, update, insert_source, ids, source_ids)) {
                return s.reject(l, row, *bad);
            }
            ++imported;
        });
    }
    s.result.rows_imported += imported;
    s.result.imported_by_target["door_plates"] += imported;
}

namespace {

std::optional<Reject> import_plate(ImportSession& s, const SourceLayer& l, const SourceRow& row, const std::string& type, store::Statement& find_ref,
                                   store::Statement& find_door, store::Statement& find_child, store::Statement& insert,
                                   store::Statement& update, store::Statement& insert_source,
                                   std::unordered_set<std::string>& ids, std::unordered_set<std::string>& source_ids) {
    const std::string id = column_value(row, l.id_col);
    if (!id.empty() && !ids.insert(id).second) return Reject{l.mapping->id_column, "id-duplicate", "id " + id + " appears again"};
    const std::string road_id = field_value(l, row, "road_id"), road = field_value(l, row, "road");
    const auto place = place_for_plate(s, road_id, road);
    if (!place) return Reject{"road", "road-unknown", "road '" + road + "' (" + road_id + ") is not a registered place name"};
    const std::string town = field_value(l, row, "town_code");
    if (!s.division_exists(town)) return Reject{"town_code", "division-unknown", "town " + town + " is not in the registry"};
    const std::string community = field_value(l, row, "community_code");
    if (!community.empty() && !s.division_exists(community)) return Reject{"community_code", "division-unknown", "community " + community + " is not in the registry"};
    const std::string number_text = field_value(l, row, "number");
    std::optional<std::int64_t> number;
    if (!number_text.empty()) {
        auto v = number_of(number_text);
        if (!v || *v < 1 || *v > 99999 || *v != static_cast<double>(static_cast<std::int64_t>(*v))) {
            return Reject{"number", "number-invalid", "'" + number_text + "' is not a door number"};
        }
        number = static_cast<std::int64_t>(*v);
    }
    if (type == "door" && !number) return Reject{"number", "number-invalid", "a door plate needs its number"};
    const std::string hamlet = field_value(l, row, "hamlet"), suffix = field_value(l, row, "suffix");
    const std::string building = field_value(l, row, "building"), unit = field_value(l, row, "unit"), room = field_value(l, row, "room");
    auto p = point_of(l, row, s.bounds());
    if (auto* r = std::get_if<Reject>(&p)) return *r;
    if (std::holds_alternative<std::monostate>(p)) return Reject{"geometry", "geometry-missing", "a door plate needs its point"};
    const auto point = std::get<crs::LonLat>(p);
    const std::string standard = column_value(row, l.address_col);
    if (standard.empty()) return Reject{l.mapping->address_column.empty() ? "address" : l.mapping->address_column, "address-empty", "empty standard address"};

    std::optional<std::int64_t> parent;
    if (type != "door") {
        find_door.bind_all(*place, hamlet, number.value_or(0), suffix);
        if (find_door.step()) parent = find_door.column_int(0);
        find_door.reset();
        if (parent && type == "room" && !building.empty()) {
            // A flat hangs on its unit plate when there is one, else on its building plate.
            for (const char* parent_type : {"unit", "building"}) {
                find_child.bind_all(*parent, std::string{parent_type}, building, std::string{parent_type} == "unit" ? unit : std::string{});
                if (find_child.step()) {
                    parent = find_child.column_int(0);
                    find_child.reset();
                    break;
                }
                find_child.reset();
            }
        } else if (parent && type == "unit") {
            find_child.bind_all(*parent, std::string{"building"}, building, std::string{});
            if (find_child.step()) parent = find_child.column_int(0);
            find_child.reset();
        }
        if (!parent) return Reject{"number", "parent-missing", "no door plate " + road + " " + number_text + " for this " + type + " plate"};
    }
    std::optional<std::int64_t> existing;
    if (!id.empty()) {
        find_ref.bind(1, id);
        if (find_ref.step()) existing = find_ref.column_int(0);
        find_ref.reset();
    }
    std::int64_t plate_id;
    try {
        if (existing) {
            update.bind_all(*existing, field_value(l, row, "compound"), standard,
                            community.empty() ? std::optional<std::string>{} : std::optional<std::string>{community}, point.lon, point.lat)
                .run();
            plate_id = *existing;
        } else {
            insert.bind(1, type).bind(2, parent).bind(3, *place).bind(4, hamlet).bind(5, number).bind(6, suffix)
                .bind(7, field_value(l, row, "compound")).bind(8, building).bind(9, unit).bind(10, room).bind(11, town)
                .bind(12, community.empty() ? std::optional<std::string>{} : std::optional<std::string>{community})
                .bind(13, standard).bind(14, id.empty() ? std::optional<std::string>{} : std::optional<std::string>{id})
                .bind(15, point.lon).bind(16, point.lat);
            insert.run();
            plate_id = s.db.last_insert_rowid();
        }
    } catch (const store::database_error& e) {
        insert.reset();
        update.reset();
        const std::string what = e.what();
        if (what.find("UNIQUE") != std::string::npos) {
            return Reject{"number", "plate-duplicate", "the registry already has a live plate " + road + " " + number_text + (suffix.empty() ? "" : "-" + suffix) + (building.empty() ? "" : " " + building + "幢")};
        }
        return Reject{"(row)", "constraint", what};
    }
    // Every plate is also a civil source record, so the matcher sees both sources alike.
    PreparedAddress prepared;
    prepared.raw_json = row.raw_json;
    prepare_source_address(l, row, *s.gazetteer, s.bounds(), &source_ids, true, point, prepared);
    if (prepared.reject) return prepared.reject;
    write_source_address(s, insert_source, prepared, plate_id);
    s.sources_index->index_point(s.db.last_insert_rowid(), point.lon, point.lat);
    return std::nullopt;
}

} // namespace

} // namespace diming::import
