#include "lookup/name_record.hpp"

#include "store/database.hpp"

#include <nlohmann/json.hpp>

namespace diming::lookup {

namespace {

nlohmann::json text_or_null(const store::Statement& s, int column) {
    if (s.is_null(column)) return nullptr;
    return s.column_text(column);
}

} // namespace

nlohmann::json name_history(store::Database& db, std::int64_t id) {
    nlohmann::json out = nlohmann::json::array();
    auto& h = db.cached(
        "SELECT id, former_name, former_pinyin, new_name, decision_doc, decided_on, effective_on, reason, recorded_by, recorded_at "
        "FROM place_name_history WHERE place_name_id = ?1 ORDER BY effective_on, id");
    h.bind(1, id);
    while (h.step()) {
        out.push_back({{"id", h.column_int(0)},
                       {"former_name", h.column_text(1)},
                       {"former_pinyin", h.column_text(2)},
                       {"new_name", h.column_text(3)},
                       {"decision_doc", h.column_text(4)},
                       {"decided_on", h.column_text(5)},
                       {"effective_on", h.column_text(6)},
                       {"reason", h.column_text(7)},
                       {"recorded_by", h.column_text(8)},
                       {"recorded_at", h.column_text(9)}});
    }
    h.reset();
    return out;
}

std::optional<nlohmann::json> name_record(store::Database& db, std::int64_t id) {
    auto& s = db.cached(
        "SELECT p.name, p.pinyin, p.category_code, c.name, p.division_code, dv.name, t.code, t.short_name, "
        "p.meaning, p.origin, p.history, p.approval_authority, p.approval_doc, p.approval_date, p.status, p.registrar, "
        "p.source_ref, p.created_at, p.updated_at, AsGeoJSON(p.geom, 7) "
        "FROM place_names p JOIN place_name_categories c ON c.code = p.category_code "
        "LEFT JOIN divisions dv ON dv.code = p.division_code "
        "LEFT JOIN divisions t ON t.code = substr(p.division_code, 1, 9) || '000' WHERE p.id = ?1");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    nlohmann::json r{{"id", id},
                     {"name", s.column_text(0)},
                     {"pinyin", s.column_text(1)},
                     {"category", {{"code", s.column_text(2)}, {"name", s.column_text(3)}}},
                     {"division", {{"code", s.column_text(4)}, {"name", text_or_null(s, 5)}}},
                     {"town", {{"code", text_or_null(s, 6)}, {"name", text_or_null(s, 7)}}},
                     {"meaning", text_or_null(s, 8)},
                     {"origin", text_or_null(s, 9)},
                     {"history_text", text_or_null(s, 10)},
                     {"approval", {{"authority", text_or_null(s, 11)}, {"document", text_or_null(s, 12)}, {"date", text_or_null(s, 13)}}},
                     {"status", s.column_text(14)},
                     {"registrar", text_or_null(s, 15)},
                     {"source_ref", text_or_null(s, 16)},
                     {"created_at", s.column_text(17)},
                     {"updated_at", s.column_text(18)}};
    r["geometry"] = s.is_null(19) ? nlohmann::json(nullptr) : nlohmann::json::parse(s.column_text(19));
    s.reset();

    nlohmann::json aliases = nlohmann::json::array();
    auto& a = db.cached("SELECT alias, note FROM place_name_aliases WHERE place_name_id = ?1 ORDER BY alias");
    a.bind(1, id);
    while (a.step()) aliases.push_back({{"alias", a.column_text(0)}, {"note", a.column_text(1)}});
    a.reset();
    r["aliases"] = std::move(aliases);
    r["renamings"] = name_history(db, id);
    // The name in force is `name`; a renaming decided for a later date is the coming one.
    auto& coming = db.cached(
        "SELECT id, new_name, decision_doc, decided_on, effective_on FROM scheduled_renamings WHERE place_name_id = ?1 AND status = 'scheduled'");
    coming.bind(1, id);
    r["coming_renaming"] = nullptr;
    if (coming.step()) {
        r["coming_renaming"] = {{"scheduled_renaming_id", coming.column_int(0)}, {"new_name", coming.column_text(1)},
                                {"decision_doc", coming.column_text(2)}, {"decided_on", coming.column_text(3)}, {"effective_on", coming.column_text(4)}};
    }
    coming.reset();

    auto& plates = db.cached("SELECT count(*) FROM door_plates WHERE place_name_id = ?1 AND plate_type = 'door' AND status <> 'cancelled'");
    plates.bind(1, id);
    plates.step();
    r["door_plates"] = plates.column_int(0);
    plates.reset();
    return r;
}

} // namespace diming::lookup
