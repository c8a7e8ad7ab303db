#include "plates/applications.hpp"

#include "address/gazetteer.hpp"
#include "address/parser.hpp"
#include "core/error.hpp"
#include "core/gdal.hpp"
#include "core/text.hpp"
#include "store/database.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <charconv>
#include <cmath>

namespace diming::plates {

namespace {

// Each column's names as a header may write them; the first is what the template writes.
struct Column {
    const char* key;
    std::array<const char*, 4> names;
};
constexpr std::array<Column, 10> columns{{{"road", {"道路", "road", "街路巷", "地名"}},
                                          {"town", {"乡镇街道", "town", "乡镇", nullptr}},
                                          {"hamlet", {"自然村", "hamlet", "组", nullptr}},
                                          {"number", {"门牌号", "number", nullptr, nullptr}},
                                          {"suffix", {"附号", "suffix", nullptr, nullptr}},
                                          {"compound", {"小区", "compound", nullptr, nullptr}},
                                          {"address", {"地址", "address", nullptr, nullptr}},
                                          {"lon", {"经度", "lon", "longitude", "x"}},
                                          {"lat", {"纬度", "lat", "latitude", "y"}},
                                          {"applicant", {"申请人", "applicant", nullptr, nullptr}}}};

const Column* column_named(std::string name) {
    name = text::trim(name);
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (const auto& c : columns) {
        for (const char* n : c.names) {
            if (n && name == n) return &c;
        }
    }
    return nullptr;
}

std::optional<double> number_of(const std::string& s) {
    const auto t = text::trim(s);
    if (t.empty()) return std::nullopt;
    double v = 0;
    const auto r = std::from_chars(t.data(), t.data() + t.size(), v);
    if (r.ec != std::errc{} || r.ptr != t.data() + t.size() || !std::isfinite(v)) return std::nullopt;
    return v;
}

// The template's example row, which shows how a row is filled in and is never an application
// (GDAL writes a sheet's header row only above a row).
constexpr std::string_view example_marker = "（示例行，提交时忽略 example row, ignored）";

struct Problem : std::exception {
    RowProblem p;
    Problem(int row, std::string field, std::string code, std::string message) : p{row, std::move(field), std::move(code), std::move(message)} {}
};

// The place a row names: an approved or registered name, narrowed by its town when given.
std::int64_t place_of(store::Database& db, const ApplicationRow& r, const std::string& name, const std::string& town, const char* field) {
    auto& s = db.cached(
        "SELECT p.id, d.name FROM place_names p LEFT JOIN divisions d ON d.code = substr(p.division_code, 1, 9) || '000' "
        "WHERE p.name = ?1 AND p.status IN ('approved','registered') "
        "AND (?2 = '' OR d.name = ?2 OR d.short_name = ?2 OR substr(p.division_code, 1, 9) || '000' = ?2) ORDER BY p.id");
    s.bind(1, name).bind(2, town);
    std::vector<std::pair<std::int64_t, std::string>> found;
    while (s.step()) found.emplace_back(s.column_int(0), s.column_text(1));
    s.reset();
    if (found.empty()) throw Problem{r.row, field, "unknown_place", "no approved or registered place named '" + name + "'" + (town.empty() ? "" : " in " + town)};
    if (found.size() > 1) {
        std::string where;
        for (const auto& [id, t] : found) where += (where.empty() ? "" : ", ") + t;
        throw Problem{r.row, "town", "ambiguous_place", "several places are named '" + name + "' (" + where + "): fill in the town"};
    }
    return found.front().first;
}

DoorPlateRequest request_of(store::Database& db, const address::Gazetteer& gazetteer, const ApplicationRow& r) {
    DoorPlateRequest q;
    if (!r.lon) throw Problem{r.row, "lon", "missing", "the longitude is missing or not a number"};
    if (!r.lat) throw Problem{r.row, "lat", "missing", "the latitude is missing or not a number"};
    q.point = {*r.lon, *r.lat};
    q.applicant = r.applicant;
    q.compound = r.compound;
    q.hamlet = r.hamlet;
    q.number = r.number;
    q.suffix = r.suffix;
    if (!r.road.empty()) {
        q.place_name_id = place_of(db, r, r.road, r.town, "road");
        return q;
    }
    if (r.address.empty()) throw Problem{r.row, "road", "missing", "give the road (or village), or the address"};
    // A written address: its road (or village and hamlet), number and compound, as the parser reads them.
    const auto a = address::parse(r.address, gazetteer);
    const auto* road = a.get(address::Level::road);
    const auto* village = a.get(address::Level::community);
    const auto* hamlet = a.get(address::Level::hamlet);
    const std::string town = a.town_code.empty() ? r.town : a.town_code;
    if (road) q.place_name_id = place_of(db, r, a.value(address::Level::road), town, "address");
    else if (village && hamlet) {
        q.place_name_id = place_of(db, r, village->text, town, "address");
        q.hamlet = hamlet->text;
    } else {
        throw Problem{r.row, "address", "unresolved_address", "the address names no registered road or village: '" + r.address + "'"};
    }
    if (const auto* n = a.get(address::Level::number); n && !q.number) {
        if (const auto v = number_of(n->text); v && *v >= 1 && *v <= 99'999 && std::floor(*v) == *v) q.number = static_cast<int>(*v);
        if (q.suffix.empty()) q.suffix = a.suffix;
    }
    if (const auto* c = a.get(address::Level::compound); c && q.compound.empty()) q.compound = c->text;
    return q;
}

} // namespace

std::size_t ApplicationBatch::problems() const {
    std::size_t n = 0;
    for (const auto& r : rows) n += r.problem ? 1 : 0;
    return n;
}

std::vector<ApplicationRow> read_applications(const std::filesystem::path& file) {
    // The first row is the header, even when every cell below is text too.
    const gdal::ConfigOption xlsx{"OGR_XLSX_HEADERS", "FORCE"}, ods{"OGR_ODS_HEADERS", "FORCE"};
    auto ds = gdal::open_vector(file);
    if (GDALDatasetGetLayerCount(ds.get()) < 1) throw input_error{file.filename().string() + ": has no sheet"};
    OGRLayerH layer = GDALDatasetGetLayer(ds.get(), 0);
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    std::vector<const Column*> by_field;
    bool has_lon = false, has_lat = false;
    for (int i = 0; i < OGR_FD_GetFieldCount(defn); ++i) {
        const auto* c = column_named(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i)));
        by_field.push_back(c);
        has_lon = has_lon || (c && std::string_view{c->key} == "lon");
        has_lat = has_lat || (c && std::string_view{c->key} == "lat");
    }
    if (!has_lon || !has_lat) {
        throw input_error{file.filename().string() + ": the first sheet needs the columns 经度 (lon) and 纬度 (lat); use the template"};
    }
    std::vector<ApplicationRow> rows;
    gdal::ErrorTrap trap;
    OGR_L_ResetReading(layer);
    int row = 1;
    while (gdal::Feature f{OGR_L_GetNextFeature(layer)}) {
        ++row;
        ApplicationRow r;
        r.row = row;
        bool any = false;
        for (int i = 0; i < static_cast<int>(by_field.size()); ++i) {
            if (!by_field[i] || !OGR_F_IsFieldSetAndNotNull(f.get(), i)) continue;
            std::string v = OGR_F_GetFieldAsString(f.get(), i);
            if (!text::is_valid_utf8(v)) throw input_error{file.filename().string() + ": row " + std::to_string(row) + " is not valid UTF-8"};
            v = text::trim(v);
            if (v.empty()) continue;
            any = true;
            const std::string_view key = by_field[i]->key;
            if (key == "road") r.road = v;
            else if (key == "town") r.town = v;
            else if (key == "hamlet") r.hamlet = v;
            else if (key == "address") r.address = v;
            else if (key == "applicant") r.applicant = v;
            else if (key == "compound") r.compound = v;
            else if (key == "suffix") r.suffix = v;
            else if (key == "lon") r.lon = number_of(v);
            else if (key == "lat") r.lat = number_of(v);
            else if (key == "number") {
                const auto n = number_of(v);
                // A number the clerk typed but that is not one is kept as 0 and refused with its row.
                r.number = n && std::floor(*n) == *n && *n >= 1 && *n <= 99'999 ? static_cast<int>(*n) : 0;
            }
        }
        // Blank rows (a sheet's formatting) and the template's example are skipped.
        if (any && r.applicant != example_marker) rows.push_back(std::move(r));
        if (rows.size() > max_application_rows) break;
    }
    if (auto e = trap.take()) throw input_error{file.filename().string() + ": GDAL could not read it: " + *e};
    return rows;
}

ApplicationBatch apply_applications(store::Database& db, const address::Gazetteer& gazetteer, const std::vector<ApplicationRow>& rows,
                                    bool check_only, const std::string& actor) {
    if (rows.empty()) throw refusal{refusal::Kind::invalid, "the sheet has no applications", "file"};
    if (rows.size() > max_application_rows) {
        throw refusal{refusal::Kind::invalid, "at most " + std::to_string(max_application_rows) + " applications at once", "file"};
    }
    ApplicationBatch out;
    store::Transaction tx{db};
    for (const auto& r : rows) {
        RowOutcome o;
        o.row = r.row;
        // Each row in a savepoint: a refused row leaves the rows before it as they were.
        db.exec("SAVEPOINT application_row");
        try {
            if (r.number && *r.number == 0) throw Problem{r.row, "number", "not_a_number", "the door number is not a whole number from 1 to 99999"};
            auto q = request_of(db, gazetteer, r);
            o.plate = issue_door_plate_in(db, q, actor);
            db.exec("RELEASE application_row");
        } catch (const Problem& p) {
            o.problem = p.p;
        } catch (const refusal& e) {
            o.problem = RowProblem{r.row, e.field(), "refused", e.what()};
        }
        if (o.problem) {
            db.exec("ROLLBACK TO application_row");
            db.exec("RELEASE application_row");
        }
        out.rows.push_back(std::move(o));
    }
    if (!check_only && out.problems() == 0) {
        tx.commit();
        out.written = true;
    }
    return out;
}

void write_application_template(const std::filesystem::path& file) {
    auto ds = gdal::create_vector("XLSX", file);
    {
        std::vector<std::pair<const char*, OGRFieldType>> fields;
        for (const auto& c : columns) fields.emplace_back(c.names[0], OFTString);
        gdal::LayerWriter sheet{ds.get(), "门牌申请", wkbNone, nullptr, fields};
        const std::array<const char*, 10> example{"人民路", "当湖街道", "", "", "", "", "", "121.0123456", "30.7012345", example_marker.data()};
        for (std::size_t i = 0; i < example.size(); ++i) {
            if (*example[i]) sheet.set(static_cast<int>(i), std::string{example[i]});
            else sheet.clear(static_cast<int>(i));
        }
        sheet.write();
    }
    gdal::LayerWriter help{ds.get(), "填写说明", wkbNone, nullptr, {{"列 column", OFTString}, {"说明", OFTString}, {"explanation", OFTString}}};
    const std::array<std::array<const char*, 3>, 10> rows{{
        {"道路", "道路或村（社区）的标准名称；与“地址”二选一", "the road's (or village's) registered name; or fill in 地址"},
        {"乡镇街道", "同名道路在多个乡镇时填写", "the town, when several towns have a road of that name"},
        {"自然村", "农村门牌的自然村或组", "the natural village or group, for rural plates"},
        {"门牌号", "可空：空则按道路两侧单双号自动编配", "optional: left empty, the number is proposed (odd left, even right)"},
        {"附号", "门牌号的附号（12-1 的 1）", "the sub-number (the 1 of 12-1)"},
        {"小区", "门牌号后的小区名", "the compound written after the number"},
        {"地址", "完整地址（无“道路”时使用），如 平湖市当湖街道人民路12号", "a written address, when 道路 is empty"},
        {"经度", "门牌位置经度（CGCS2000，度）", "the plate's longitude (CGCS2000, degrees)"},
        {"纬度", "门牌位置纬度（CGCS2000，度）", "the plate's latitude (CGCS2000, degrees)"},
        {"申请人", "申请单位或个人", "who applies"},
    }};
    for (const auto& r : rows) {
        help.set(0, std::string{r[0]});
        help.set(1, std::string{r[1]});
        help.set(2, std::string{r[2]});
        help.write();
    }
}

nlohmann::json to_json(const ApplicationBatch& batch) {
    auto rows = nlohmann::json::array();
    for (const auto& r : batch.rows) {
        nlohmann::json j{{"row", r.row}, {"ok", !r.problem}};
        if (r.problem) {
            j["problem"] = {{"field", r.problem->field}, {"code", r.problem->code}, {"message", r.problem->message}};
        } else {
            j["standard_address"] = r.plate.standard_address;
            j["number"] = r.plate.number ? nlohmann::json(*r.plate.number) : nlohmann::json(nullptr);
            j["suffix"] = r.plate.suffix;
            if (batch.written) {
                j["door_plate_id"] = r.plate.door_plate_id;
                j["issuance_id"] = r.plate.issuance_id;
            }
        }
        rows.push_back(std::move(j));
    }
    return nlohmann::json{{"rows", std::move(rows)}, {"problems", batch.problems()}, {"written", batch.written}};
}

} // namespace diming::plates
