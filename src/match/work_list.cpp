#include "match/work_list.hpp"

#include "core/error.hpp"
#include "core/gdal.hpp"
#include "core/text.hpp"
#include "match/governance.hpp"
#include "store/audit_log.hpp"
#include "store/database.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <charconv>
#include <limits>

namespace diming::match {

namespace {

bool is_code(const std::string& s) { return s.size() == 12 && s.find_first_not_of("0123456789") == std::string::npos; }

std::int64_t run_of(store::Database& db, const std::optional<std::int64_t>& run) {
    auto s = db.prepare(run ? "SELECT id FROM match_runs WHERE id = ?1 AND finished_at IS NOT NULL"
                            : "SELECT max(id) FROM match_runs WHERE finished_at IS NOT NULL AND ?1 IS NULL");
    s.bind(1, run);
    if (!s.step() || s.is_null(0)) throw refusal{refusal::Kind::not_found, run ? "no finished match run " + std::to_string(*run) : "no match run yet", "run"};
    return s.column_int(0);
}

constexpr const char* list_sql =
    "SELECT t.police_address_id, p.source_id, p.raw_address, X(p.geom), Y(p.geom), r.level, r.civil_address_id, c.raw_address, X(c.geom), Y(c.geom), "
    "r.distance_m, r.reason, t.problem, t.road_key, t.road_problems, t.worth, t.town_code, t.community_code, "
    "coalesce(w.status, 'open'), coalesce(w.assignee, ''), coalesce(w.note, '') "
    "FROM match_attention t JOIN match_results r ON r.run_id = t.run_id AND r.police_address_id = t.police_address_id "
    "JOIN source_addresses p ON p.id = t.police_address_id LEFT JOIN source_addresses c ON c.id = r.civil_address_id "
    "LEFT JOIN work_items w ON w.police_key = CASE WHEN p.source_id IS NOT NULL AND p.source_id <> '' THEN 'src:' || p.source_id ELSE 'row:' || p.id END "
    "WHERE t.run_id = ?1 AND (?2 IS NULL OR t.town_code = ?2) AND (?3 IS NULL OR t.community_code = ?3) "
    "AND (?4 IS NULL OR coalesce(w.status, 'open') = ?4) AND (?5 IS NULL OR coalesce(w.assignee, '') = ?5) "
    "ORDER BY t.worth DESC, t.road_key, t.police_address_id LIMIT ?6 OFFSET ?7";

void check_query(const WorkListQuery& q) {
    if (q.town && !is_code(*q.town)) throw refusal{refusal::Kind::invalid, "town is a 12-digit division code", "town"};
    if (q.community && !is_code(*q.community)) throw refusal{refusal::Kind::invalid, "community is a 12-digit division code", "community"};
    if (q.status && *q.status != "open" && *q.status != "field_check" && *q.status != "resolved") {
        throw refusal{refusal::Kind::invalid, "status is open, field_check or resolved", "status"};
    }
    if (q.limit < 1 || q.limit > 5000) throw refusal{refusal::Kind::invalid, "limit is between 1 and 5000", "limit"};
    if (q.offset < 0) throw refusal{refusal::Kind::invalid, "offset is not negative", "offset"};
}

// The template's outcome words, Chinese or English, as decision kinds.
std::optional<std::string> kind_of_outcome(const std::string& outcome) {
    static const std::array<std::pair<const char*, const char*>, 16> words{{
        {"确认", "confirm"}, {"驳回", "reject"}, {"另链", "link"}, {"地址有误", "police_wrong"}, {"民政缺牌", "civil_missing"},
        {"非标准地址", "unregistered"}, {"已拆除", "demolished"}, {"重复", "duplicate"},
        {"confirm", "confirm"}, {"reject", "reject"}, {"link", "link"}, {"police_wrong", "police_wrong"}, {"civil_missing", "civil_missing"},
        {"unregistered", "unregistered"}, {"demolished", "demolished"}, {"duplicate", "duplicate"}}};
    for (const auto& [word, kind] : words) {
        if (outcome == word) return std::string{kind};
    }
    return std::nullopt;
}

// The columns of the field-check sheet, in order; the last four are filled in.
constexpr std::array<const char*, 14> sheet_columns{"记录编号", "地址编码", "公安地址", "经度", "纬度", "比对等级", "民政记录编号", "民政地址",
                                                   "距离米", "原因", "问题", "处理结果", "改正地址", "备注"};

} // namespace

std::size_t OutcomeBatch::problems() const {
    std::size_t n = 0;
    for (const auto& r : rows) n += r.problem ? 1 : 0;
    return n;
}

nlohmann::json work_list(store::Database& db, const WorkListQuery& q) {
    check_query(q);
    const auto run = run_of(db, q.run);
    auto s = db.prepare(list_sql);
    s.bind(1, run).bind(2, q.town).bind(3, q.community).bind(4, q.status).bind(5, q.assignee).bind(6, q.limit + 1).bind(7, q.offset);
    auto items = nlohmann::json::array();
    bool more = false;
    auto opt_int = [&](int i) { return s.is_null(i) ? nlohmann::json(nullptr) : nlohmann::json(s.column_int(i)); };
    auto point = [&](int i) { return s.is_null(i) ? nlohmann::json(nullptr) : nlohmann::json{s.column_double(i), s.column_double(i + 1)}; };
    while (s.step()) {
        if (static_cast<int>(items.size()) == q.limit) {
            more = true;
            break;
        }
        items.push_back({{"police_address_id", s.column_int(0)},
                         {"police_key", police_key(s.column_text_opt(1), s.column_int(0))},
                         {"police_address", s.column_text(2)},
                         {"police_point", point(3)},
                         {"level", s.column_text(5)},
                         {"civil_address_id", opt_int(6)},
                         {"civil_address", s.is_null(7) ? nlohmann::json(nullptr) : nlohmann::json(s.column_text(7))},
                         {"civil_point", point(8)},
                         {"distance_m", s.is_null(10) ? nlohmann::json(nullptr) : nlohmann::json(std::round(s.column_double(10) * 10) / 10)},
                         {"reason", s.column_text(11)},
                         {"problem", s.column_text(12)},
                         {"road", s.column_text(13)},
                         {"road_problems", s.column_int(14)},
                         {"worth", s.column_double(15)},
                         {"town_code", s.is_null(16) ? nlohmann::json(nullptr) : nlohmann::json(s.column_text(16))},
                         {"community_code", s.is_null(17) ? nlohmann::json(nullptr) : nlohmann::json(s.column_text(17))},
                         {"status", s.column_text(18)},
                         {"assignee", s.column_text(19)},
                         {"note", s.column_text(20)}});
    }
    // Progress: the whole list's counts by status, for the community's bar.
    auto counts = db.prepare(
        "SELECT coalesce(w.status, 'open'), count(*) FROM match_attention t JOIN source_addresses p ON p.id = t.police_address_id "
        "LEFT JOIN work_items w ON w.police_key = CASE WHEN p.source_id IS NOT NULL AND p.source_id <> '' THEN 'src:' || p.source_id ELSE 'row:' || p.id END "
        "WHERE t.run_id = ?1 AND (?2 IS NULL OR t.town_code = ?2) AND (?3 IS NULL OR t.community_code = ?3) GROUP BY 1");
    counts.bind(1, run).bind(2, q.town).bind(3, q.community);
    nlohmann::json progress{{"open", 0}, {"field_check", 0}, {"resolved", 0}};
    while (counts.step()) progress[counts.column_text(0)] = counts.column_int(1);
    return nlohmann::json{{"run_id", run}, {"items", std::move(items)}, {"more", more}, {"progress", std::move(progress)}};
}

std::size_t assign(store::Database& db, const Assignment& a, const std::string& actor) {
    store::Transaction tx{db};
    const auto n = assign_in(db, a, actor);
    tx.commit();
    return n;
}

std::size_t assign_in(store::Database& db, const Assignment& a, const std::string& actor) {
    if (a.police_address_ids.empty()) throw refusal{refusal::Kind::invalid, "no records chosen", "police_address_ids"};
    if (a.police_address_ids.size() > 5000) throw refusal{refusal::Kind::invalid, "at most 5,000 records at once", "police_address_ids"};
    if (!a.assignee && !a.status) throw refusal{refusal::Kind::invalid, "give an assignee, a status or both", "status"};
    if (a.status && *a.status != "open" && *a.status != "field_check" && *a.status != "resolved") {
        throw refusal{refusal::Kind::invalid, "status is open, field_check or resolved", "status"};
    }
    if (a.assignee && (!text::is_valid_utf8(*a.assignee) || text::code_points(*a.assignee) > 64 || text::first_control_character(*a.assignee))) {
        throw refusal{refusal::Kind::invalid, "assignee is a name of at most 64 characters", "assignee"};
    }
    auto record = db.prepare("SELECT a.source_id FROM source_addresses a JOIN datasets d ON d.id = a.dataset_id WHERE a.id = ?1 AND d.source_kind = 'police'");
    auto upsert = db.prepare(
        "INSERT INTO work_items(police_key, assignee, status, note, updated_by) VALUES (?1, coalesce(?2, ''), coalesce(?3, 'open'), ?4, ?5) "
        "ON CONFLICT(police_key) DO UPDATE SET assignee = coalesce(?2, assignee), status = coalesce(?3, status), "
        "note = CASE WHEN ?4 = '' THEN note ELSE ?4 END, updated_by = ?5, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now')");
    for (const auto id : a.police_address_ids) {
        record.bind(1, id);
        if (!record.step()) throw refusal{refusal::Kind::not_found, "no police record " + std::to_string(id), "police_address_ids"};
        const auto key = police_key(record.column_text_opt(0), id);
        record.reset();
        upsert.bind(1, key).bind(2, a.assignee).bind(3, a.status).bind(4, a.note).bind(5, actor).run();
        nlohmann::json after{{"police_key", key}};
        if (a.assignee) after["assignee"] = *a.assignee;
        if (a.status) after["status"] = *a.status;
        store::record_change(db, {actor, "work_item.update", "work_items", key, std::nullopt, after.dump()});
    }
    return a.police_address_ids.size();
}

void export_work_list(store::Database& db, const WorkListQuery& query, const std::filesystem::path& file) {
    auto q = query;
    q.limit = 5000;
    const auto list = work_list(db, q);
    auto ds = gdal::create_vector("XLSX", file);
    std::vector<std::pair<const char*, OGRFieldType>> fields;
    for (const char* c : sheet_columns) fields.emplace_back(c, OFTString);
    fields[3].second = OFTReal;
    fields[4].second = OFTReal;
    fields[8].second = OFTReal;
    gdal::LayerWriter w{ds.get(), "核查清单", wkbNone, nullptr, fields};
    for (const auto& it : list["items"]) {
        w.set(0, std::to_string(it["police_address_id"].get<std::int64_t>()));
        w.set(1, it["police_key"].get<std::string>().substr(4));
        w.set(2, it["police_address"].get<std::string>());
        if (it["police_point"].is_array()) {
            w.set(3, it["police_point"][0].get<double>());
            w.set(4, it["police_point"][1].get<double>());
        } else {
            w.clear(3);
            w.clear(4);
        }
        w.set(5, it["level"].get<std::string>());
        if (it["civil_address_id"].is_null()) w.clear(6);
        else w.set(6, std::to_string(it["civil_address_id"].get<std::int64_t>()));
        w.set(7, it["civil_address"].is_null() ? std::string{} : it["civil_address"].get<std::string>());
        if (it["distance_m"].is_null()) w.clear(8);
        else w.set(8, it["distance_m"].get<double>());
        w.set(9, it["reason"].get<std::string>());
        w.set(10, it["problem"].get<std::string>());
        for (int i = 11; i < 14; ++i) w.clear(i);
        w.write();
    }
}

OutcomeBatch import_outcomes(store::Database& db, const std::filesystem::path& file, bool check_only, const std::string& actor) {
    // Every cell is text: the first row is the header all the same (GDAL reads the sheet lazily, so it stays set).
    const gdal::ConfigOption headers{"OGR_XLSX_HEADERS", "FORCE"};
    auto ds = gdal::open_vector(file);
    OGRLayerH layer = GDALDatasetGetLayer(ds.get(), 0);
    if (!layer) throw input_error{file.filename().string() + ": has no sheet"};
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    auto col = [&](const char* name) { return OGR_FD_GetFieldIndex(defn, name); };
    const int id_col = col("记录编号"), outcome_col = col("处理结果"), civil_col = col("民政记录编号"), corrected_col = col("改正地址"), note_col = col("备注");
    if (id_col < 0 || outcome_col < 0) throw input_error{file.filename().string() + ": the sheet needs the columns 记录编号 and 处理结果 (export the work list)"};
    OutcomeBatch out;
    store::Transaction tx{db};
    int row = 1;
    OGR_L_ResetReading(layer);
    while (gdal::Feature f{OGR_L_GetNextFeature(layer)}) {
        ++row;
        auto cell = [&](int i) { return i >= 0 && OGR_F_IsFieldSetAndNotNull(f.get(), i) ? text::trim(OGR_F_GetFieldAsString(f.get(), i)) : std::string{}; };
        const auto outcome = cell(outcome_col);
        if (outcome.empty()) continue; // not checked yet
        OutcomeRow o;
        o.row = row;
        const auto kind = kind_of_outcome(outcome);
        std::int64_t police = 0;
        const auto id_text = cell(id_col);
        const auto parsed = std::from_chars(id_text.data(), id_text.data() + id_text.size(), police);
        if (!kind) {
            o.problem_field = "处理结果";
            o.problem = "unknown outcome '" + outcome + "' (确认, 驳回, 另链, 地址有误, 民政缺牌, 非标准地址, 已拆除, 重复)";
        } else if (parsed.ec != std::errc{} || parsed.ptr != id_text.data() + id_text.size()) {
            o.problem_field = "记录编号";
            o.problem = "'" + id_text + "' is not a record id";
        } else {
            DecisionRequest r;
            r.kind = *kind;
            r.police_address_id = police;
            r.reason = "field check: " + cell(note_col);
            if (*kind == "confirm" || *kind == "reject" || *kind == "link") {
                std::int64_t civil = 0;
                const auto c = cell(civil_col);
                const auto p = std::from_chars(c.data(), c.data() + c.size(), civil);
                if (c.empty() || p.ec != std::errc{} || p.ptr != c.data() + c.size()) {
                    o.problem_field = "民政记录编号";
                    o.problem = "this outcome needs the civil record's id";
                }
                r.civil_address_id = civil;
            }
            if (*kind == "police_wrong") r.corrected_address = cell(corrected_col);
            if (!o.problem) {
                db.exec("SAVEPOINT outcome_row");
                try {
                    o.decision_id = decide_in(db, r, actor).id;
                    assign_in(db, {{police}, std::nullopt, std::string{"resolved"}, ""}, actor);
                    db.exec("RELEASE outcome_row");
                } catch (const refusal& e) {
                    db.exec("ROLLBACK TO outcome_row");
                    db.exec("RELEASE outcome_row");
                    o.problem_field = e.field();
                    o.problem = e.what();
                }
            }
        }
        out.rows.push_back(std::move(o));
    }
    if (out.rows.empty()) throw refusal{refusal::Kind::invalid, "no row has an outcome (处理结果)", "file"};
    if (!check_only && out.problems() == 0) {
        tx.commit();
        out.written = true;
    }
    return out;
}

nlohmann::json to_json(const OutcomeBatch& batch) {
    auto rows = nlohmann::json::array();
    for (const auto& r : batch.rows) {
        nlohmann::json j{{"row", r.row}, {"ok", !r.problem}};
        if (r.problem) j["problem"] = {{"field", *r.problem_field}, {"message", *r.problem}};
        else if (batch.written) j["decision_id"] = r.decision_id;
        rows.push_back(std::move(j));
    }
    return nlohmann::json{{"rows", std::move(rows)}, {"problems", batch.problems()}, {"written", batch.written}};
}

} // namespace diming::match
