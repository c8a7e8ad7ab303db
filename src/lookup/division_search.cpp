#include "lookup/division_search.hpp"

#include "store/database.hpp"

#include <nlohmann/json.hpp>


namespace diming::lookup {

std::vector<DivisionHit> search_divisions(store::Database& db, const std::string& q, int limit) {
    std::vector<DivisionHit> out;
    if (q.empty()) return out;
    const bool digits = q.find_first_not_of("0123456789") == std::string::npos;
    // A code: 9 digits (a town's, as written in many lists) or 12.
    const std::string code = digits && q.size() == 9 ? q + "000" : q;
    // Exact names first, then names that start with q, then names that hold it; a
    // division table is small (a province has some tens of thousands).
    auto& s = db.cached(
        "SELECT v.code, v.name, v.short_name, v.kind, v.level, v.parent_code, p.name, "
        "CASE WHEN v.code = ?1 THEN 'code' WHEN v.name = ?2 OR v.short_name = ?2 THEN 'exact' "
        "WHEN substr(v.name, 1, length(?2)) = ?2 OR substr(v.short_name, 1, length(?2)) = ?2 THEN 'prefix' ELSE 'substring' END AS m, "
        "MbrMinX(v.geom), MbrMinY(v.geom), MbrMaxX(v.geom), MbrMaxY(v.geom) "
        "FROM divisions v LEFT JOIN divisions p ON p.code = v.parent_code "
        "WHERE v.level >= 4 AND (v.code = ?1 OR (?3 = 0 AND (instr(v.name, ?2) > 0 OR instr(v.short_name, ?2) > 0))) "
        "ORDER BY CASE m WHEN 'code' THEN 0 WHEN 'exact' THEN 1 WHEN 'prefix' THEN 2 ELSE 3 END, v.level, length(v.name), v.code LIMIT ?4");
    s.bind(1, code).bind(2, q).bind(3, static_cast<std::int64_t>(digits)).bind(4, limit);
    while (s.step()) {
        DivisionHit h;
        h.code = s.column_text(0);
        h.name = s.column_text(1);
        h.short_name = s.column_text(2);
        h.kind = s.column_text(3);
        h.level = static_cast<int>(s.column_int(4));
        h.parent_code = s.column_text(5);
        h.parent_name = s.column_text(6);
        h.match = s.column_text(7);
        if (!s.is_null(8)) h.extent = BBox{s.column_double(8), s.column_double(9), s.column_double(10), s.column_double(11)};
        out.push_back(std::move(h));
    }
    s.reset();
    return out;
}

nlohmann::json to_json(const DivisionHit& h) {
    nlohmann::json j{{"code", h.code}, {"name", h.name}, {"short_name", h.short_name}, {"kind", h.kind}, {"level", h.level},
                     {"parent", {{"code", h.parent_code}, {"name", h.parent_name}}}, {"match", h.match}};
    j["bbox"] = bbox_json(h.extent);
    return j;
}

} // namespace diming::lookup
