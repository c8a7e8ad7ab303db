#include "importers/import.hpp"

#include "address/gazetteer.hpp"
#include "address/parser.hpp"
#include "core/bounded_queue.hpp"
#include "core/csv_writer.hpp"
#include "core/digest.hpp"
#include "core/encoding.hpp"
#include "core/gdal.hpp"
#include "core/geos.hpp"
#include "core/progress.hpp"
#include "core/text.hpp"
#include "division/division_code.hpp"
#include "importers/coordinates.hpp"
#include "pinyin/romanizer.hpp"
#include "store/audit_log.hpp"
#include "store/bulk_load.hpp"

#include <cpl_conv.h>
#include <nlohmann/json.hpp>
#include <ogr_srs_api.h>

#include <charconv>
#include <thread>
#include <set>
#include <unordered_map>
#include <unordered_set>
#include <variant>

namespace diming::import {

SourceKind parse_source_kind(const std::string& s) {
    if (s == "police") return SourceKind::police;
    if (s == "civil") return SourceKind::civil;
    throw import_error{"--source: '" + s + "' is not police or civil"};
}

const char* to_string(SourceKind k) { return k == SourceKind::police ? "police" : "civil"; }

namespace {

using nlohmann::json;

// A row that cannot be imported: which field, and why (the key counts reasons in the summary).
struct Reject {
    std::string field;
    std::string reason_key;
    std::string reason;
};

class RejectLog {
public:
    explicit RejectLog(std::filesystem::path path) : path_{std::move(path)} {}
    void add(const std::string& layer, std::int64_t row, const Reject& r, const std::string& raw) {
        if (!writer_) {
            writer_.emplace(path_);
            writer_->row({"layer", "row", "field", "reason", "raw"});
        }
        writer_->row({layer, std::to_string(row), r.field, r.reason, raw});
        ++count_;
        ++by_reason_[r.reason_key];
        if (first_.size() < 10) first_.push_back(layer + " row " + std::to_string(row) + ": " + r.field + ": " + r.reason);
    }
    void close() {
        if (writer_) writer_->close();
    }
    std::int64_t count() const { return count_; }
    const std::map<std::string, std::int64_t>& by_reason() const { return by_reason_; }
    const std::vector<std::string>& first() const { return first_; }
    bool written() const { return writer_.has_value(); }
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
    std::optional<CsvWriter> writer_;
    std::int64_t count_ = 0;
    std::map<std::string, std::int64_t> by_reason_;
    std::vector<std::string> first_;
};

struct Extent {
    double min_lon, min_lat, max_lon, max_lat;
    bool contains(double lon, double lat) const { return lon >= min_lon && lon <= max_lon && lat >= min_lat && lat <= max_lat; }
};

// One layer of the dataset opened under its mapping, with everything checked up front.
struct MappedLayer {
    const LayerMapping* mapping;
    OGRLayerH layer;
    std::string name;
    std::vector<std::string> columns;
    std::map<std::string, int> field_col; // diming field -> column index
    int id_col = -1, address_col = -1, x_col = -1, y_col = -1;
    std::unique_ptr<CoordinateTransform> transform;
    std::optional<text::Charset> charset; // when GDAL hands us bytes in another encoding
    std::int64_t features = 0;
};

int column_index(const std::vector<std::string>& columns, const std::string& name) {
    for (std::size_t i = 0; i < columns.size(); ++i) {
        if (columns[i] == name) return static_cast<int>(i);
    }
    return -1;
}

std::optional<double> number_of(const std::string& s) {
    const std::string t = text::trim(s);
    if (t.empty()) return std::nullopt;
    double v = 0;
    const auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec != std::errc{} || p != t.data() + t.size()) return std::nullopt;
    return v;
}

std::string plate_type_of(const std::string& s) {
    if (s == "门牌" || s == "door") return "door";
    if (s == "楼牌" || s == "building") return "building";
    if (s == "单元牌" || s == "unit") return "unit";
    if (s == "户室牌" || s == "room") return "room";
    return {};
}

std::string category_for(const std::string& name) {
    for (const auto& [generic, category] : std::vector<std::pair<std::string, std::string>>{
             {"大道", "D-ROAD"}, {"公路", "D-ROAD"}, {"路", "D-ROAD"}, {"街", "D-STREET"}, {"巷", "D-LANE"}, {"弄", "D-LANE"},
             {"桥", "2361"}, {"广场", "2631"}, {"公园", "252"}}) {
        if (name.ends_with(generic)) return category;
    }
    return {};
}

class Importer {
public:
    Importer(store::Database& db, const ImportRequest& req) : db_{db}, req_{req}, rejects_{rejects_path(req)} {}

    ImportResult run() {
        Progress clock{"", 0, false};
        prepare();               // every check that can fail before anything is written
        // A large page cache keeps a million-row transaction from spilling page by page.
        db_.exec("PRAGMA cache_size = -262144");
        const bool wal = switch_journal("DELETE");
        store::Transaction tx{db_};
        create_dataset();
        store::BulkSpatialLoad sources{db_, "source_addresses", "geom"};
        sources_index_ = &sources;
        store::BulkSpatialLoad plates{db_, "door_plates", "geom"};
        for (Target t : {Target::divisions, Target::place_names, Target::door_plates, Target::addresses}) {
            for (auto& l : layers_) {
                if (l.mapping->target != t) continue;
                if (t == Target::door_plates || t == Target::addresses) ensure_gazetteer();
                import_layer(l);
            }
            if (t == Target::place_names) gazetteer_.reset(); // new names: rebuild before parsing addresses
        }
        rejects_.close();
        if (req_.strict && rejects_.count() > 0) {
            std::string msg = req_.dataset.string() + ": " + std::to_string(rejects_.count()) +
                              " row(s) rejected and --strict is set, so nothing was imported:";
            for (const auto& f : rejects_.first()) msg += "\n  " + f;
            msg += "\n  (all of them: " + rejects_.path().string() + ")";
            throw import_error{msg};
        }
        plates.finish();
        sources.finish();
        finish_dataset();
        tx.commit();
        if (wal) switch_journal("WAL");
        result_.rows_rejected = rejects_.count();
        result_.rejected_by_reason = rejects_.by_reason();
        if (rejects_.written()) result_.rejects_file = rejects_.path();
        result_.seconds = clock.elapsed_seconds();
        return result_;
    }

private:
    store::Database& db_;
    const ImportRequest& req_;
    RejectLog rejects_;
    ImportResult result_;
    gdal::Dataset ds_;
    std::vector<MappedLayer> layers_;
    std::optional<Extent> extent_;
    Extent china_{73.0, 3.0, 136.0, 54.0};
    std::optional<address::Gazetteer> gazetteer_;
    store::BulkSpatialLoad* sources_index_ = nullptr;
    std::unordered_map<std::string, std::int64_t> place_by_ref_, place_by_name_;
    std::int64_t replaced_ = 0;

    // A bulk import appends pages; with a rollback journal they are written once, where WAL
    // writes them twice (log, then checkpoint). A kill still leaves the file as it was: the
    // journal rolls back on the next open. Only possible while no other connection is open.
    bool switch_journal(const char* mode) {
        try {
            auto st = db_.prepare(std::string{"PRAGMA journal_mode = "} + mode);
            return st.step() && st.column_text(0) == (std::string{mode} == "WAL" ? "wal" : "delete");
        } catch (const store::database_error&) {
            return false;
        }
    }

    static std::filesystem::path rejects_path(const ImportRequest& r) {
        if (!r.rejects.empty()) return r.rejects;
        return std::filesystem::current_path() / (r.dataset.filename().string() + ".rejects.csv");
    }

    // ---- checks before writing ------------------------------------------------------

    void prepare() {
        const std::string file = req_.dataset.string();
        if (!std::filesystem::exists(req_.dataset)) throw import_error{file + ": no such file"};
        const auto ext = req_.dataset.extension().string();
        std::vector<std::string> open_options;
        const bool shapefile = ext == ".shp" || ext == ".dbf";
        if (ext == ".csv" || ext == ".CSV" || ext == ".txt" || ext == ".tsv") {
            open_options = {"AUTODETECT_TYPE=NO", "EMPTY_STRING_AS_NULL=NO"}; // every field a string, as written
        } else if (shapefile) {
            // The Shapefile driver recodes to UTF-8 itself: from the .cpg, or from the profile.
            const auto cpg = std::filesystem::path{req_.dataset}.replace_extension(".cpg");
            if (!std::filesystem::exists(cpg) && req_.profile.encoding != "UTF-8") open_options = {"ENCODING=" + req_.profile.encoding};
        }
        // Spreadsheets: the first row names the columns and every cell is a string. GDAL 3.6 takes
        // these as configuration, read when the sheet is loaded (below, on this thread).
        struct SpreadsheetConfig {
            SpreadsheetConfig() {
                for (const char* k : {"OGR_XLSX_HEADERS", "OGR_ODS_HEADERS"}) CPLSetThreadLocalConfigOption(k, "FORCE");
                for (const char* k : {"OGR_XLSX_FIELD_TYPES", "OGR_ODS_FIELD_TYPES"}) CPLSetThreadLocalConfigOption(k, "STRING");
            }
            ~SpreadsheetConfig() {
                for (const char* k : {"OGR_XLSX_HEADERS", "OGR_ODS_HEADERS", "OGR_XLSX_FIELD_TYPES", "OGR_ODS_FIELD_TYPES"}) {
                    CPLSetThreadLocalConfigOption(k, nullptr);
                }
            }
        } spreadsheet_config;
        ds_ = gdal::open_vector(req_.dataset, open_options);
        if (req_.profile.layers.size() > 1 && !req_.layer.empty()) {
            throw import_error{"--layer applies to a one-layer profile; this profile names its layers"};
        }
        std::vector<std::string> available;
        for (int i = 0; i < GDALDatasetGetLayerCount(ds_.get()); ++i) available.emplace_back(OGR_L_GetName(GDALDatasetGetLayer(ds_.get(), i)));
        auto list = [&] {
            std::string s;
            for (const auto& a : available) s += (s.empty() ? "" : ", ") + a;
            return s;
        };
        for (const auto& m : req_.profile.layers) {
            MappedLayer l;
            l.mapping = &m;
            const std::string wanted = !req_.layer.empty() ? req_.layer : m.layer;
            l.layer = wanted.empty() ? GDALDatasetGetLayer(ds_.get(), 0) : GDALDatasetGetLayerByName(ds_.get(), wanted.c_str());
            if (!l.layer) {
                throw import_error{file + ": no layer '" + wanted + "' (it has: " + list() + ")"};
            }
            l.name = OGR_L_GetName(l.layer);
            OGRFeatureDefnH defn = OGR_L_GetLayerDefn(l.layer);
            for (int i = 0; i < OGR_FD_GetFieldCount(defn); ++i) l.columns.emplace_back(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i)));
            // Strings: the Shapefile driver recodes to UTF-8 itself (.cpg or ENCODING); every other
            // driver hands over the file's bytes, in the profile's encoding.
            const bool utf8 = shapefile || req_.profile.encoding == "UTF-8" || req_.profile.encoding == "utf-8";
            if (!utf8) {
                l.charset.emplace(req_.profile.encoding);
                for (auto& c : l.columns) {
                    try {
                        c = l.charset->to_utf8(c);
                    } catch (const input_error&) {
                    }
                }
            }
            std::vector<std::string> missing;
            auto need = [&](const std::string& column, int& index) {
                if (column.empty()) return;
                index = column_index(l.columns, column);
                if (index < 0) missing.push_back(column);
            };
            need(m.id_column, l.id_col);
            need(m.address_column, l.address_col);
            need(m.x_column, l.x_col);
            need(m.y_column, l.y_col);
            for (const auto& [field, column] : m.fields) {
                int idx = -1;
                need(column, idx);
                l.field_col[field] = idx;
            }
            if (!missing.empty()) {
                std::string s;
                for (const auto& c : missing) s += (s.empty() ? "" : ", ") + c;
                const bool garbled = std::any_of(l.columns.begin(), l.columns.end(), [](const std::string& c) { return !text::is_valid_utf8(c); });
                throw import_error{file + ": layer " + l.name + " has no column(s) " + s + " that the profile maps" +
                                   (garbled ? std::string{" (its column names are not valid UTF-8: is the file GBK? set the profile's encoding)"} : "")};
            }
            if (m.x_column.empty() && wkbFlatten(OGR_L_GetGeomType(l.layer)) == wkbNone && m.target != Target::place_names) {
                throw import_error{file + ": layer " + l.name + " has no geometry; give the profile's x and y columns"};
            }
            l.transform = std::make_unique<CoordinateTransform>(req_.profile.crs, m.x_column.empty() ? OGR_L_GetSpatialRef(l.layer) : nullptr);
            l.features = OGR_L_GetFeatureCount(l.layer, TRUE);
            layers_.push_back(std::move(l));
        }
        result_.crs = layers_.front().transform->description();
        result_.encoding = req_.profile.encoding;
        result_.sha256 = sha256_of_path(req_.dataset);
        auto existing = db_.prepare("SELECT id, imported_at FROM datasets WHERE sha256 = ?1 AND source_kind = ?2 AND status = 'active'");
        existing.bind_all(result_.sha256, std::string{to_string(req_.source)});
        if (existing.step()) {
            if (!req_.replace) {
                throw import_error{file + ": this file (sha256 " + result_.sha256.substr(0, 12) + "…) was already imported as dataset " +
                                   std::to_string(existing.column_int(0)) + " on " + existing.column_text(1) +
                                   "; use --replace to import it again in place of that one"};
            }
            replaced_ = existing.column_int(0);
        }
        if (req_.profile.extent) {
            const auto& e = *req_.profile.extent;
            extent_ = Extent{e[0], e[1], e[2], e[3]};
        } else {
            extent_ = registry_extent();
        }
    }

    // The registry's division boundaries, grown by about 2 km; nullopt before any are known.
    std::optional<Extent> registry_extent() const {
        auto st = db_.prepare("SELECT MbrMinX(e), MbrMinY(e), MbrMaxX(e), MbrMaxY(e) FROM (SELECT Extent(geom) AS e FROM divisions WHERE geom IS NOT NULL)");
        if (!st.step() || st.is_null(0)) return std::nullopt;
        constexpr double margin = 0.02;
        return Extent{st.column_double(0) - margin, st.column_double(1) - margin, st.column_double(2) + margin, st.column_double(3) + margin};
    }

    // ---- the dataset row ------------------------------------------------------------

    void create_dataset() {
        std::string layer_names;
        for (const auto& l : layers_) layer_names += (layer_names.empty() ? "" : ",") + l.name;
        db_.prepare("INSERT INTO datasets(source_kind, file_name, layer, sha256, crs, encoding, profile, imported_by) "
                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
            .bind_all(std::string{to_string(req_.source)}, std::filesystem::absolute(req_.dataset).string(), layer_names, result_.sha256,
                      req_.profile.crs.empty() ? std::string{"(layer's own)"} : req_.profile.crs, req_.profile.encoding,
                      profile_json(), req_.actor)
            .run();
        result_.dataset_id = db_.last_insert_rowid();
    }

    std::string profile_json() const {
        json layers = json::array();
        for (const auto& m : req_.profile.layers) {
            layers.push_back({{"layer", m.layer}, {"target", to_string(m.target)}, {"id", m.id_column}, {"address", m.address_column},
                              {"fields", m.fields}, {"constants", m.constants}, {"x", m.x_column}, {"y", m.y_column}});
        }
        return json{{"name", req_.profile.name}, {"encoding", req_.profile.encoding}, {"crs", req_.profile.crs}, {"layers", layers}}.dump();
    }

    void finish_dataset() {
        db_.prepare("UPDATE datasets SET rows_read = ?2, rows_imported = ?3, rows_rejected = ?4 WHERE id = ?1")
            .bind_all(result_.dataset_id, result_.rows_read, result_.rows_imported, rejects_.count())
            .run();
        if (replaced_) {
            db_.prepare("UPDATE datasets SET status = 'replaced' WHERE id = ?1").bind_all(replaced_).run();
            // Rows no match run points at go; the others stay as evidence of past runs.
            db_.prepare("DELETE FROM source_addresses WHERE dataset_id = ?1 AND id NOT IN "
                        "(SELECT police_address_id FROM match_results UNION SELECT civil_address_id FROM match_results WHERE civil_address_id IS NOT NULL)")
                .bind_all(replaced_)
                .run();
            result_.replaced_dataset_id = replaced_;
        }
        json after{{"dataset_id", result_.dataset_id}, {"file", req_.dataset.string()}, {"sha256", result_.sha256},
                   {"rows_read", result_.rows_read}, {"rows_imported", result_.rows_imported}, {"rows_rejected", rejects_.count()},
                   {"imported", result_.imported_by_target}, {"replaced_dataset_id", replaced_}};
        store::record_change(db_, {req_.actor, "dataset.import", "datasets", std::to_string(result_.dataset_id), std::nullopt, after.dump()});
    }

    void ensure_gazetteer() {
        if (!gazetteer_) gazetteer_.emplace(address::Gazetteer::from_database(db_));
    }

    // ---- rows -----------------------------------------------------------------------

    struct Row {
        std::int64_t number = 0; // 1-based row in the layer (CSV: line number minus the header)
        std::vector<std::string> values;
        std::string raw_json;
        OGRFeatureH feature = nullptr; // valid only on the thread that read it
        // The feature's geometry, when it is a point (copied so that later stages need no feature).
        enum class Shape { none, point, other } shape = Shape::none;
        double gx = 0, gy = 0;
    };

    static void take_point(Row& row) {
        OGRGeometryH g = OGR_F_GetGeometryRef(row.feature);
        if (!g || OGR_G_IsEmpty(g)) return;
        if (wkbFlatten(OGR_G_GetGeometryType(g)) != wkbPoint) {
            row.shape = Row::Shape::other;
            return;
        }
        row.shape = Row::Shape::point;
        row.gx = OGR_G_GetX(g, 0);
        row.gy = OGR_G_GetY(g, 0);
    }

    // Decodes every attribute; an undecodable one rejects the row.
    std::optional<Reject> read_row(const MappedLayer& l, OGRFeatureH f, Row& row) {
        row.values.resize(l.columns.size());
        nlohmann::ordered_json raw = nlohmann::ordered_json::object(); // columns in the source's order
        std::optional<Reject> problem;
        for (int i = 0; i < static_cast<int>(l.columns.size()); ++i) {
            std::string v = OGR_F_IsFieldSetAndNotNull(f, i) ? OGR_F_GetFieldAsString(f, i) : "";
            if (l.charset) {
                try {
                    v = l.charset->to_utf8(v);
                } catch (const input_error&) {
                    if (!problem) problem = Reject{l.columns[i], "encoding", "not valid " + l.charset->name() + " text"};
                    v = "(undecodable)";
                }
            } else if (auto bad = text::first_invalid_utf8(v)) {
                if (!problem) problem = Reject{l.columns[i], "encoding", "not valid UTF-8 (byte " + std::to_string(*bad) + "); is the file GBK? set the profile's encoding"};
                v = "(undecodable)";
            }
            raw[l.columns[i]] = v;
            row.values[static_cast<std::size_t>(i)] = std::move(v);
        }
        row.raw_json = raw.dump();
        return problem;
    }

    std::string field(const MappedLayer& l, const Row& row, const std::string& name) const {
        auto it = l.field_col.find(name);
        if (it != l.field_col.end() && it->second >= 0) return text::trim(row.values[static_cast<std::size_t>(it->second)]);
        auto c = l.mapping->constants.find(name);
        return c != l.mapping->constants.end() ? c->second : std::string{};
    }

    // The point of a row in EPSG:4490, or a reason it has none that can be used.
    std::variant<std::monostate, crs::LonLat, Reject> point_of(const MappedLayer& l, const Row& row) const {
        double x, y;
        if (l.x_col >= 0) {
            const std::string& xs = row.values[static_cast<std::size_t>(l.x_col)];
            const std::string& ys = row.values[static_cast<std::size_t>(l.y_col)];
            if (text::trim(xs).empty() && text::trim(ys).empty()) return std::monostate{};
            const auto xv = number_of(xs), yv = number_of(ys);
            if (!xv) return Reject{l.mapping->x_column, "coordinates-not-numbers", "'" + xs + "' is not a number"};
            if (!yv) return Reject{l.mapping->y_column, "coordinates-not-numbers", "'" + ys + "' is not a number"};
            x = *xv;
            y = *yv;
        } else {
            if (row.shape == Row::Shape::none) return std::monostate{};
            if (row.shape == Row::Shape::other) return Reject{"geometry", "geometry-not-point", "expected a point"};
            x = row.gx;
            y = row.gy;
        }
        const std::string xy = "(" + std::to_string(x) + ", " + std::to_string(y) + ")";
        if (x == 0 && y == 0) return Reject{"coordinates", "coordinates-zero", "coordinates are 0,0"};
        const auto p = l.transform->to_storage(x, y);
        if (!p) return Reject{"coordinates", "coordinates-untransformable", xy + " cannot be transformed: " + l.transform->description()};
        const Extent& e = extent_ ? *extent_ : china_;
        if (!e.contains(p->lon, p->lat)) {
            const auto swapped = l.transform->to_storage(y, x);
            if (swapped && e.contains(swapped->lon, swapped->lat)) {
                return Reject{"coordinates", "coordinates-swapped", "longitude and latitude are swapped " + xy};
            }
            return Reject{"coordinates", "coordinates-outside-extent", "outside the registry's extent " + xy};
        }
        return *p;
    }

    void reject(const MappedLayer& l, const Row& row, const Reject& r) { rejects_.add(l.name, row.number, r, row.raw_json); }

    template <class PerRow>
    void for_each_row(MappedLayer& l, const char* label, PerRow per_row) {
        Progress progress{std::string{"import "} + l.name + (label ? std::string{" "} + label : std::string{}), l.features, req_.progress};
        OGR_L_ResetReading(l.layer);
        std::int64_t n = 0;
        for (gdal::Feature f{OGR_L_GetNextFeature(l.layer)}; f; f.reset(OGR_L_GetNextFeature(l.layer))) {
            Row row;
            row.number = ++n;
            row.feature = f.get();
            take_point(row);
            per_row(row);
            progress.advance();
        }
        progress.finish();
    }

    void import_layer(MappedLayer& l) {
        switch (l.mapping->target) {
        case Target::addresses: import_addresses(l); break;
        case Target::place_names: import_place_names(l); break;
        case Target::door_plates: import_door_plates(l); break;
        case Target::divisions: import_divisions_geometry(l); break;
        }
    }

    // ---- addresses --------------------------------------------------------------------

    std::string address_text(const MappedLayer& l, const Row& row) const {
        if (l.address_col >= 0) {
            const std::string a = text::trim(row.values[static_cast<std::size_t>(l.address_col)]);
            if (!a.empty()) return a;
        }
        std::string s;
        for (const char* f : {"province", "city", "county", "town", "community", "road", "number", "compound", "building", "unit", "room"}) {
            s += field(l, row, f);
        }
        return s;
    }

    static std::string components_json(const address::AddressComponents& a) {
        json c = json::object();
        for (const auto& comp : a.components) c[address::to_string(comp.level)] = comp.text;
        if (!a.suffix.empty()) c["suffix"] = a.suffix;
        if (!a.leftover.empty()) c["leftover"] = a.leftover;
        if (!a.notes.empty()) c["notes"] = a.notes;
        if (!a.road_candidates.empty()) {
            json rc = json::array();
            for (const auto& r : a.road_candidates) rc.push_back({{"name", r.name}, {"score", r.score}});
            c["road_candidates"] = rc;
        }
        return c.dump();
    }

    // A source-address record ready to insert (made on the reading thread), or why the row
    // cannot be one.
    struct PreparedAddress {
        std::int64_t number = 0;
        std::string raw_json;
        std::optional<Reject> reject;
        std::string id, text, components, town_code, community_code, key_road, key_plate, key_building, key_room, flags;
        std::optional<crs::LonLat> point;
    };

    void prepare_source_address(const MappedLayer& l, const Row& row, std::unordered_set<std::string>& ids, bool from_plate,
                                std::optional<crs::LonLat> known_point, PreparedAddress& out) const {
        out.number = row.number;
        if (l.id_col >= 0) {
            out.id = text::trim(row.values[static_cast<std::size_t>(l.id_col)]);
            if (out.id.empty()) return void(out.reject = Reject{l.mapping->id_column, "id-empty", "empty id"});
            if (!ids.insert(out.id).second) return void(out.reject = Reject{l.mapping->id_column, "id-duplicate", "id " + out.id + " appears again"});
        }
        out.text = address_text(l, row);
        const std::string address_field = l.mapping->address_column.empty() ? "address" : l.mapping->address_column;
        if (out.text.empty()) return void(out.reject = Reject{address_field, "address-empty", "empty address"});
        out.point = known_point;
        if (!from_plate) {
            auto p = point_of(l, row);
            if (auto* r = std::get_if<Reject>(&p)) return void(out.reject = *r);
            if (auto* ll = std::get_if<crs::LonLat>(&p)) out.point = *ll;
        }
        address::AddressComponents a;
        try {
            a = address::parse(out.text, *gazetteer_);
        } catch (const address::address_error& e) {
            return void(out.reject = Reject{address_field, "address-unparseable", e.what()});
        }
        out.components = components_json(a);
        out.town_code = a.town_code;
        out.community_code = a.community_code;
        out.key_road = std::move(a.key_road);
        out.key_plate = std::move(a.key_plate);
        out.key_building = std::move(a.key_building);
        out.key_room = std::move(a.key_room);
        out.flags = out.point ? "" : "no-coordinates";
    }

    void write_source_address(store::Statement& insert, const PreparedAddress& p, std::optional<std::int64_t> door_plate_id) {
        auto opt = [](const std::string& s) { return s.empty() ? std::optional<std::string>{} : std::optional<std::string>{s}; };
        insert.bind(1, result_.dataset_id).bind(2, p.number).bind(3, opt(p.id)).bind(4, p.raw_json).bind(5, p.text)
            .bind(6, p.components).bind(7, opt(p.town_code)).bind(8, opt(p.community_code)).bind(9, p.key_road)
            .bind(10, p.key_plate).bind(11, p.key_building).bind(12, p.key_room).bind(13, p.flags).bind(14, door_plate_id);
        if (p.point) insert.bind(15, p.point->lon).bind(16, p.point->lat);
        else insert.bind(15, nullptr).bind(16, nullptr);
        insert.run();
    }

    static constexpr std::string_view insert_source_sql =
        "INSERT INTO source_addresses(dataset_id, row_number, source_id, raw, raw_address, components, town_code, "
        "community_code, key_road, key_plate, key_building, key_room, flags, door_plate_id, geom) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, MakePoint(?15, ?16, 4490))";

    // Three stages over the two cores: a reader thread takes rows from GDAL and decodes them,
    // a parser thread checks and parses them, and this thread writes them. The queues are
    // bounded, so memory stays flat however large the file, and batches keep their order.
    void import_addresses(MappedLayer& l) {
        struct ReadBatch {
            std::vector<Row> rows;
            std::vector<std::optional<Reject>> problems;
        };
        using Batch = std::vector<PreparedAddress>;
        BoundedQueue<ReadBatch> read_queue{8};
        BoundedQueue<Batch> parsed_queue{8};
        std::exception_ptr reader_error, parser_error;
        std::thread reader{[&] {
            try {
                ReadBatch batch;
                OGR_L_ResetReading(l.layer);
                std::int64_t n = 0;
                for (gdal::Feature f{OGR_L_GetNextFeature(l.layer)}; f; f.reset(OGR_L_GetNextFeature(l.layer))) {
                    Row& row = batch.rows.emplace_back();
                    row.number = ++n;
                    row.feature = f.get();
                    take_point(row);
                    batch.problems.push_back(read_row(l, row.feature, row));
                    row.feature = nullptr;
                    if (batch.rows.size() == 512) {
                        if (!read_queue.push(std::move(batch))) return;
                        batch = {};
                    }
                }
                if (!batch.rows.empty()) read_queue.push(std::move(batch));
            } catch (...) {
                reader_error = std::current_exception();
            }
            read_queue.close();
        }};
        std::thread parser{[&] {
            try {
                std::unordered_set<std::string> ids;
                while (auto in = read_queue.pop()) {
                    Batch out(in->rows.size());
                    for (std::size_t i = 0; i < in->rows.size(); ++i) {
                        PreparedAddress& p = out[i];
                        if (in->problems[i]) {
                            p.number = in->rows[i].number;
                            p.reject = in->problems[i];
                        } else {
                            prepare_source_address(l, in->rows[i], ids, false, std::nullopt, p);
                        }
                        p.raw_json = std::move(in->rows[i].raw_json);
                    }
                    if (!parsed_queue.push(std::move(out))) break;
                }
            } catch (...) {
                parser_error = std::current_exception();
            }
            read_queue.close();
            parsed_queue.close();
        }};
        struct Join {
            BoundedQueue<ReadBatch>& a;
            BoundedQueue<Batch>& b;
            std::thread& r;
            std::thread& p;
            ~Join() {
                a.close();
                b.close();
                if (r.joinable()) r.join();
                if (p.joinable()) p.join();
            }
        } join{read_queue, parsed_queue, reader, parser};

        auto insert = db_.prepare(insert_source_sql);
        Progress progress{"import " + l.name, l.features, req_.progress};
        std::int64_t imported = 0;
        while (auto batch = parsed_queue.pop()) {
            for (const auto& p : *batch) {
                ++result_.rows_read;
                if (p.reject) rejects_.add(l.name, p.number, *p.reject, p.raw_json);
                else {
                    write_source_address(insert, p, std::nullopt);
                    if (p.point) sources_index_->index_point(db_.last_insert_rowid(), p.point->lon, p.point->lat);
                    ++imported;
                }
                progress.advance();
            }
        }
        progress.finish();
        if (reader.joinable()) reader.join();
        if (parser.joinable()) parser.join();
        if (reader_error) std::rethrow_exception(reader_error);
        if (parser_error) std::rethrow_exception(parser_error);
        result_.rows_imported += imported;
        result_.imported_by_target["addresses"] += imported;
    }

    // ---- geometry of registry objects -----------------------------------------------

    // The row's geometry transformed to EPSG:4490 as WKB, or why not.
    std::variant<std::string, Reject> geometry_wkb(const MappedLayer& l, const Row& row, bool required) {
        OGRGeometryH g0 = OGR_F_GetGeometryRef(row.feature);
        if (!g0 || OGR_G_IsEmpty(g0)) {
            if (required) return Reject{"geometry", "geometry-missing", "no geometry"};
            return std::string{};
        }
        gdal::Geometry g{OGR_G_Clone(g0)};
        if (!OGR_G_IsValid(g.get())) {
            char* wkt = nullptr;
            OGR_G_ExportToWkt(g.get(), &wkt);
            std::string why = "invalid";
            try {
                geos::Context ctx;
                why = geos::invalid_reason(ctx, geos::from_wkt(ctx, wkt ? wkt : "").get());
            } catch (const diming::error&) {
            }
            CPLFree(wkt);
            return Reject{"geometry", "geometry-invalid", "invalid geometry: " + why};
        }
        if (!l.transform->transform(g.get())) return Reject{"geometry", "coordinates-untransformable", "cannot be transformed to EPSG:4490"};
        OGREnvelope env;
        OGR_G_GetEnvelope(g.get(), &env);
        const Extent& e = extent_ ? *extent_ : china_;
        if (!e.contains(env.MinX, env.MinY) || !e.contains(env.MaxX, env.MaxY)) {
            return Reject{"geometry", "coordinates-outside-extent", "outside the registry's extent"};
        }
        std::string wkb(static_cast<std::size_t>(OGR_G_WkbSize(g.get())), '\0');
        OGR_G_ExportToIsoWkb(g.get(), wkbNDR, reinterpret_cast<unsigned char*>(wkb.data()));
        return wkb;
    }

    // ---- divisions ------------------------------------------------------------------

    void import_divisions_geometry(MappedLayer& l) {
        auto update = db_.prepare("UPDATE divisions SET geom = CastToMultiPolygon(GeomFromWKB(?2, 4490)) WHERE code = ?1");
        std::int64_t imported = 0;
        for_each_row(l, nullptr, [&](Row& row) {
            ++result_.rows_read;
            if (auto bad = read_row(l, row.feature, row)) return reject(l, row, *bad);
            const std::string code = field(l, row, "code");
            auto wkb = geometry_wkb(l, row, true);
            if (auto* r = std::get_if<Reject>(&wkb)) return reject(l, row, *r);
            const auto& bytes = std::get<std::string>(wkb);
            update.bind(1, code).bind_blob(2, bytes.data(), bytes.size()).run();
            if (db_.changes() == 0) {
                return reject(l, row, {l.mapping->fields.at("code"), "division-unknown",
                                       "division " + code + " is not in the registry (run diming import-divisions first)"});
            }
            ++imported;
        });
        result_.rows_imported += imported;
        result_.imported_by_target["divisions"] += imported;
        // Boundaries now known: they define the extent for the layers that follow.
        if (imported && !req_.profile.extent) extent_ = registry_extent();
    }

    // ---- place names ----------------------------------------------------------------

    std::unordered_map<std::string, bool> division_known_;
    bool division_exists(const std::string& code) {
        if (auto it = division_known_.find(code); it != division_known_.end()) return it->second;
        auto st = db_.prepare("SELECT 1 FROM divisions WHERE code = ?1");
        st.bind(1, code);
        return division_known_[code] = st.step();
    }

    bool category_exists(const std::string& code) {
        auto st = db_.prepare("SELECT 1 FROM place_name_categories WHERE code = ?1");
        st.bind(1, code);
        return st.step();
    }

    void import_place_names(MappedLayer& l) {
        auto find = db_.prepare("SELECT id FROM place_names WHERE source_ref = ?1");
        auto insert = db_.prepare(
            "INSERT INTO place_names(name, pinyin, pinyin_key, pinyin_initials, category_code, division_code, status, registrar, source_ref, geom) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'registered', ?7, ?8, GeomFromWKB(?9, 4490))");
        auto update = db_.prepare(
            "UPDATE place_names SET name = ?2, pinyin = ?3, pinyin_key = ?4, pinyin_initials = ?5, category_code = ?6, division_code = ?7, "
            "geom = GeomFromWKB(?8, 4490), updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = ?1");
        auto history_exists = db_.prepare("SELECT 1 FROM place_name_history WHERE place_name_id = ?1 AND former_name = ?2");
        auto history = db_.prepare(
            "INSERT INTO place_name_history(place_name_id, former_name, former_pinyin, new_name, decision_doc, decided_on, effective_on, reason, recorded_by) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
        const auto& romanizer = pinyin::Romanizer::shared();
        std::unordered_set<std::string> ids;
        std::set<std::string> known_divisions, known_categories;
        std::int64_t imported = 0;
        for_each_row(l, nullptr, [&](Row& row) {
            ++result_.rows_read;
            if (auto bad = read_row(l, row.feature, row)) return reject(l, row, *bad);
            const std::string name = field(l, row, "name");
            const std::string name_col = l.mapping->fields.at("name");
            if (name.empty()) return reject(l, row, {name_col, "name-empty", "empty name"});
            if (text::code_points(name) > 40) return reject(l, row, {name_col, "name-too-long", "longer than 40 characters"});
            std::string id = l.id_col >= 0 ? text::trim(row.values[static_cast<std::size_t>(l.id_col)]) : std::string{};
            if (!id.empty() && !ids.insert(id).second) return reject(l, row, {l.mapping->id_column, "id-duplicate", "id " + id + " appears again"});
            std::string category = field(l, row, "category");
            if (category.empty()) category = category_for(name);
            if (category.empty()) return reject(l, row, {"category", "category-unknown", "no category given and none follows from the name"});
            if (!known_categories.contains(category)) {
                if (!category_exists(category)) return reject(l, row, {"category", "category-unknown", "category " + category + " is not in place_name_categories"});
                known_categories.insert(category);
            }
            const std::string division = field(l, row, "division_code");
            if (division.empty()) return reject(l, row, {"division_code", "division-unknown", "empty division code"});
            if (!known_divisions.contains(division)) {
                if (!division_exists(division)) return reject(l, row, {"division_code", "division-unknown", "division " + division + " is not in the registry"});
                known_divisions.insert(division);
            }
            auto wkb = geometry_wkb(l, row, false);
            if (auto* r = std::get_if<Reject>(&wkb)) return reject(l, row, *r);
            const auto& bytes = std::get<std::string>(wkb);
            const bool one_word = category == "222";
            const auto r = romanizer.romanize(name, one_word ? pinyin::NameKind::one_word : pinyin::NameKind::generic_separate);
            std::string spelling = field(l, row, "pinyin");
            if (spelling.empty()) spelling = r.spelling;
            // Former names need their decision; check before writing anything of this row.
            const std::string former = field(l, row, "former_name");
            const std::string doc = field(l, row, "decision_doc"), decided = field(l, row, "decided_on"), effective = field(l, row, "effective_on");
            if (!former.empty() && (doc.empty() || decided.empty() || effective.empty())) {
                return reject(l, row, {"former_name", "history-incomplete", "a former name needs decision_doc, decided_on and effective_on"});
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
                    insert.bind_all(name, spelling, r.key, r.initials, category, division, req_.actor,
                                    id.empty() ? std::optional<std::string>{} : std::optional<std::string>{id});
                    bind_geom(insert, 9);
                    insert.run();
                    place_id = db_.last_insert_rowid();
                }
                if (!former.empty()) {
                    history_exists.bind_all(place_id, former);
                    const bool have = history_exists.step();
                    history_exists.reset();
                    if (!have) {
                        history.bind_all(place_id, former, field(l, row, "former_pinyin"), name, doc, decided, effective,
                                         field(l, row, "reason"), req_.actor)
                            .run();
                    }
                }
            } catch (const store::database_error& e) {
                insert.reset();
                update.reset();
                history.reset();
                return reject(l, row, {"(row)", "constraint", e.what()});
            }
            if (!id.empty()) place_by_ref_[id] = place_id;
            place_by_name_[name] = place_id;
            ++imported;
        });
        result_.rows_imported += imported;
        result_.imported_by_target["place_names"] += imported;
    }

    // ---- door plates ----------------------------------------------------------------

    // The place name a plate hangs on: by the road's id in the source, by name, or the
    // administrative village (created as a registered place name on first use).
    std::optional<std::int64_t> place_for_plate(const std::string& road_id, const std::string& road) {
        if (!road_id.empty()) {
            if (auto it = place_by_ref_.find(road_id); it != place_by_ref_.end()) return it->second;
            auto st = db_.prepare("SELECT id FROM place_names WHERE source_ref = ?1");
            st.bind(1, road_id);
            if (st.step()) return place_by_ref_[road_id] = st.column_int(0);
            if (!division::DivisionCode::why_invalid(road_id)) {
                auto dv = db_.prepare("SELECT short_name, kind FROM divisions WHERE code = ?1 AND level = 5");
                dv.bind(1, road_id);
                if (dv.step()) {
                    const std::string name = dv.column_text(0);
                    const auto r = pinyin::Romanizer::shared().romanize(name);
                    db_.prepare("INSERT INTO place_names(name, pinyin, pinyin_key, pinyin_initials, category_code, division_code, status, registrar, source_ref) "
                                "VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'registered', ?7, ?6)")
                        .bind_all(name, r.spelling, r.key, r.initials, std::string{dv.column_text(1) == "village" ? "21610" : "21620"}, road_id, req_.actor)
                        .run();
                    return place_by_ref_[road_id] = db_.last_insert_rowid();
                }
            }
        }
        if (!road.empty()) {
            if (auto it = place_by_name_.find(road); it != place_by_name_.end()) return it->second;
            auto st = db_.prepare("SELECT id FROM place_names WHERE name = ?1 AND status IN ('approved','registered','proposed')");
            st.bind(1, road);
            if (st.step()) return place_by_name_[road] = st.column_int(0);
        }
        return std::nullopt;
    }

    void import_door_plates(MappedLayer& l) {
        auto find_ref = db_.prepare("SELECT id FROM door_plates WHERE source_ref = ?1");
        auto find_door = db_.prepare("SELECT id FROM door_plates WHERE place_name_id = ?1 AND hamlet = ?2 AND number = ?3 AND suffix = ?4 "
                                     "AND plate_type = 'door' AND status <> 'cancelled'");
        auto find_child = db_.prepare("SELECT id FROM door_plates WHERE parent_id = ?1 AND plate_type = ?2 AND building = ?3 AND unit = ?4 "
                                      "AND status <> 'cancelled'");
        auto insert = db_.prepare(
            "INSERT INTO door_plates(plate_type, parent_id, place_name_id, hamlet, number, suffix, compound, building, unit, room, "
            "town_code, community_code, standard_address, source_ref, geom) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, MakePoint(?15, ?16, 4490))");
        auto update = db_.prepare(
            "UPDATE door_plates SET compound = ?2, standard_address = ?3, community_code = ?4, geom = MakePoint(?5, ?6, 4490), "
            "updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = ?1");
        auto insert_source = db_.prepare(insert_source_sql);
        std::unordered_set<std::string> ids, source_ids;
        std::int64_t imported = 0;
        // Doors first, then buildings and units, then flats: each finds its parent already there.
        const std::vector<std::vector<std::string>> passes{{"door"}, {"building"}, {"unit"}, {"room"}};
        for (std::size_t pass = 0; pass < passes.size(); ++pass) {
            for_each_row(l, ("(" + passes[pass].front() + " plates)").c_str(), [&](Row& row) {
                // Every row is read once for counting, in the pass of its own type.
                auto problem = read_row(l, row.feature, row);
                const std::string type = plate_type_of(field(l, row, "plate_type"));
                if (pass == 0) {
                    if (type.empty() && !problem) problem = Reject{"plate_type", "plate-type-unknown", "'" + field(l, row, "plate_type") + "' is not 门牌, 楼牌, 单元牌 or 户室牌"};
                    if (problem || type.empty()) {
                        ++result_.rows_read;
                        return reject(l, row, *problem);
                    }
                }
                if (problem || type != passes[pass].front()) return;
                ++result_.rows_read;
                if (auto bad = import_plate(l, row, type, find_ref, find_door, find_child, insert, update, insert_source, ids, source_ids)) {
                    return reject(l, row, *bad);
                }
                ++imported;
            });
        }
        result_.rows_imported += imported;
        result_.imported_by_target["door_plates"] += imported;
    }

    std::optional<Reject> import_plate(const MappedLayer& l, const Row& row, const std::string& type, store::Statement& find_ref,
                                       store::Statement& find_door, store::Statement& find_child, store::Statement& insert,
                                       store::Statement& update, store::Statement& insert_source,
                                       std::unordered_set<std::string>& ids, std::unordered_set<std::string>& source_ids) {
        const std::string id = l.id_col >= 0 ? text::trim(row.values[static_cast<std::size_t>(l.id_col)]) : std::string{};
        if (!id.empty() && !ids.insert(id).second) return Reject{l.mapping->id_column, "id-duplicate", "id " + id + " appears again"};
        const std::string road_id = field(l, row, "road_id"), road = field(l, row, "road");
        const auto place = place_for_plate(road_id, road);
        if (!place) return Reject{"road", "road-unknown", "road '" + road + "' (" + road_id + ") is not a registered place name"};
        const std::string town = field(l, row, "town_code");
        if (!division_exists(town)) return Reject{"town_code", "division-unknown", "town " + town + " is not in the registry"};
        const std::string community = field(l, row, "community_code");
        if (!community.empty() && !division_exists(community)) return Reject{"community_code", "division-unknown", "community " + community + " is not in the registry"};
        const std::string number_text = field(l, row, "number");
        std::optional<std::int64_t> number;
        if (!number_text.empty()) {
            auto v = number_of(number_text);
            if (!v || *v < 1 || *v > 99999 || *v != static_cast<double>(static_cast<std::int64_t>(*v))) {
                return Reject{"number", "number-invalid", "'" + number_text + "' is not a door number"};
            }
            number = static_cast<std::int64_t>(*v);
        }
        if (type == "door" && !number) return Reject{"number", "number-invalid", "a door plate needs its number"};
        const std::string hamlet = field(l, row, "hamlet"), suffix = field(l, row, "suffix");
        const std::string building = field(l, row, "building"), unit = field(l, row, "unit"), room = field(l, row, "room");
        auto p = point_of(l, row);
        if (auto* r = std::get_if<Reject>(&p)) return *r;
        if (std::holds_alternative<std::monostate>(p)) return Reject{"geometry", "geometry-missing", "a door plate needs its point"};
        const auto point = std::get<crs::LonLat>(p);
        std::string standard = l.address_col >= 0 ? text::trim(row.values[static_cast<std::size_t>(l.address_col)]) : std::string{};
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
                update.bind_all(*existing, field(l, row, "compound"), standard,
                                community.empty() ? std::optional<std::string>{} : std::optional<std::string>{community}, point.lon, point.lat)
                    .run();
                plate_id = *existing;
            } else {
                insert.bind(1, type).bind(2, parent).bind(3, *place).bind(4, hamlet).bind(5, number).bind(6, suffix)
                    .bind(7, field(l, row, "compound")).bind(8, building).bind(9, unit).bind(10, room).bind(11, town)
                    .bind(12, community.empty() ? std::optional<std::string>{} : std::optional<std::string>{community})
                    .bind(13, standard).bind(14, id.empty() ? std::optional<std::string>{} : std::optional<std::string>{id})
                    .bind(15, point.lon).bind(16, point.lat);
                insert.run();
                plate_id = db_.last_insert_rowid();
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
        prepare_source_address(l, row, source_ids, true, point, prepared);
        if (prepared.reject) return prepared.reject;
        write_source_address(insert_source, prepared, plate_id);
        sources_index_->index_point(db_.last_insert_rowid(), point.lon, point.lat);
        return std::nullopt;
    }
};

} // namespace

ImportResult import_dataset(store::Database& db, const ImportRequest& request) {
    Importer importer{db, request};
    return importer.run();
}

} // namespace diming::import
