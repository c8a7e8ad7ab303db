#include "naming/naming.hpp"

#include "core/calendar.hpp"
#include "core/text.hpp"
#include "pinyin/romanizer.hpp"
#include "store/audit_log.hpp"
#include "store/database.hpp"
#include "store/spatial_index.hpp"

#include <nlohmann/json.hpp>

namespace diming::naming {

namespace {

struct Category {
    std::string geometry_kind;
    std::string code;
};

Category category(store::Database& db, const std::string& code) {
    auto s = db.prepare("SELECT geometry_kind FROM place_name_categories WHERE code = ?1");
    s.bind(1, code);
    if (!s.step()) throw refusal{refusal::Kind::invalid, "unknown category code '" + code + "'", "category_code"};
    return {s.column_text(0), code};
}

pinyin::Romanization romanize(const std::string& name, const std::string& category_code) {
    // Natural villages are written as one word (Yangjiabang); everything else proper + Generic.
    return pinyin::Romanizer::shared().romanize(name, category_code == "222" ? pinyin::NameKind::one_word : pinyin::NameKind::generic_separate);
}

nlohmann::json state_of(store::Database& db, std::int64_t id) {
    auto s = db.prepare("SELECT name, pinyin, status, approval_doc, approval_date FROM place_names WHERE id = ?1");
    s.bind(1, id);
    if (!s.step()) throw refusal{refusal::Kind::not_found, "no place name with id " + std::to_string(id), "id"};
    return {{"name", s.column_text(0)}, {"pinyin", s.column_text(1)}, {"status", s.column_text(2)},
            {"approval_doc", s.is_null(3) ? nlohmann::json(nullptr) : nlohmann::json(s.column_text(3))},
            {"approval_date", s.is_null(4) ? nlohmann::json(nullptr) : nlohmann::json(s.column_text(4))}};
}

void require_document(const Decision& d) {
    if (text::trim(d.document).empty()) throw refusal{refusal::Kind::invalid, "the decision document number is required", "decision_doc"};
    if (!text::is_valid_utf8(d.document) || text::code_points(d.document) > 60) {
        throw refusal{refusal::Kind::invalid, "the decision document number is at most 60 characters of UTF-8", "decision_doc"};
    }
    require_iso_date(d.date, "decided_on");
}

} // namespace

ProposalResult propose_name(store::Database& db, const NameProposal& p, const std::string& actor, const NamingRules& rules) {
    const std::string name = text::is_valid_utf8(p.name) ? text::trim(p.name) : p.name;
    for (const auto* v : {&p.meaning, &p.origin}) {
        if (*v && (!text::is_valid_utf8(**v) || text::code_points(**v) > 2000)) {
            throw refusal{refusal::Kind::invalid, "meaning and origin are UTF-8 text of at most 2,000 characters", v == &p.meaning ? "meaning" : "origin"};
        }
    }
    store::Transaction tx{db};
    const auto cat = category(db, p.category_code);
    auto division = db.prepare("SELECT level FROM divisions WHERE code = ?1");
    division.bind(1, p.division_code);
    if (!division.step() || division.column_int(0) < 4) {
        throw refusal{refusal::Kind::invalid, "division_code must be a town or village of the registry", "division_code"};
    }
    auto conflicts = check_name(db, name, rules);
    require_acceptable(conflicts, p.accepted);

    if (p.geometry) {
        auto g = db.prepare("SELECT ST_IsValid(g), GeometryType(g), MbrMinX(g), MbrMinY(g), MbrMaxX(g), MbrMaxY(g) FROM (SELECT SetSRID(GeomFromGeoJSON(?1), 4490) AS g)");
        g.bind(1, *p.geometry);
        if (!g.step() || g.is_null(1)) throw refusal{refusal::Kind::invalid, "the geometry is not a GeoJSON geometry SpatiaLite can read", "geometry"};
        if (g.column_int(0) != 1) throw refusal{refusal::Kind::invalid, "the geometry is not valid (self-intersecting or degenerate)", "geometry"};
        const std::string type = g.column_text(1);
        const bool fits = (cat.geometry_kind == "line" && type.find("LINESTRING") != std::string::npos) ||
                          (cat.geometry_kind == "point" && type.find("POINT") != std::string::npos) ||
                          (cat.geometry_kind == "area" && (type.find("POLYGON") != std::string::npos || type.find("POINT") != std::string::npos));
        if (!fits) throw refusal{refusal::Kind::invalid, "a " + cat.geometry_kind + " category cannot take a " + type, "geometry"};
        if (const auto county = store::indexed_extent(db, "divisions")) {
            const double m = 0.02;
            if (g.column_double(2) < county->min_x - m || g.column_double(4) > county->max_x + m || g.column_double(3) < county->min_y - m ||
                g.column_double(5) > county->max_y + m) {
                throw refusal{refusal::Kind::invalid, "the geometry lies outside the county", "geometry"};
            }
        }
    }
    const auto r = romanize(name, p.category_code);
    db.prepare(
          "INSERT INTO place_names(name, pinyin, pinyin_key, pinyin_initials, category_code, division_code, meaning, origin, status, registrar, geom) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'proposed', ?9, CASE WHEN ?10 IS NULL THEN NULL ELSE SetSRID(GeomFromGeoJSON(?10), 4490) END)")
        .bind_all(name, r.spelling, r.key, r.initials, p.category_code, p.division_code, p.meaning, p.origin, actor, p.geometry)
        .run();
    ProposalResult out{db.last_insert_rowid(), r.spelling, std::move(conflicts)};
    store::record_change(db, {actor, "place_name.propose", "place_names", std::to_string(out.id), std::nullopt,
                              nlohmann::json{{"name", name}, {"pinyin", r.spelling}, {"category_code", p.category_code},
                                             {"division_code", p.division_code}, {"accepted_conflicts", to_json(out.conflicts)}}
                                  .dump()});
    tx.commit();
    return out;
}

void approve_name(store::Database& db, std::int64_t id, const Decision& d, const std::string& actor, const NamingRules& rules) {
    require_document(d);
    store::Transaction tx{db};
    const auto before = state_of(db, id);
    if (before["status"] != "proposed") {
        throw refusal{refusal::Kind::conflict, "place name " + std::to_string(id) + " is " + before["status"].get<std::string>() + "; only a proposed name is approved", "id"};
    }
    // Another name may have been approved since the proposal: duplicates still block.
    std::vector<Conflict> blocking;
    for (auto& c : check_name(db, before["name"], rules, id)) {
        if (c.kind == "duplicate") blocking.push_back(std::move(c));
    }
    require_acceptable(blocking, {});
    db.prepare("UPDATE place_names SET status = 'approved', approval_doc = ?2, approval_date = ?3, "
               "updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = ?1")
        .bind_all(id, d.document, d.date)
        .run();
    store::record_change(db, {actor, "place_name.approve", "place_names", std::to_string(id), before.dump(), state_of(db, id).dump()});
    tx.commit();
}

void reject_name(store::Database& db, std::int64_t id, const Decision& d, const std::string& actor) {
    store::Transaction tx{db};
    const auto before = state_of(db, id);
    if (before["status"] != "proposed") {
        throw refusal{refusal::Kind::conflict, "place name " + std::to_string(id) + " is " + before["status"].get<std::string>() + "; only a proposed name is rejected", "id"};
    }
    db.prepare("UPDATE place_names SET status = 'rejected', updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = ?1").bind(1, id).run();
    auto after = state_of(db, id);
    after["reason"] = d.reason;
    if (!d.document.empty()) after["decision_doc"] = d.document;
    store::record_change(db, {actor, "place_name.reject", "place_names", std::to_string(id), before.dump(), after.dump()});
    tx.commit();
}

void retire_name(store::Database& db, std::int64_t id, const Decision& d, const std::string& actor) {
    require_document(d);
    store::Transaction tx{db};
    const auto before = state_of(db, id);
    if (before["status"] != "approved" && before["status"] != "registered") {
        throw refusal{refusal::Kind::conflict, "place name " + std::to_string(id) + " is " + before["status"].get<std::string>() + "; only an approved or registered name is retired", "id"};
    }
    auto plates = db.prepare("SELECT count(*) FROM door_plates WHERE place_name_id = ?1 AND status <> 'cancelled'");
    plates.bind(1, id);
    plates.step();
    if (plates.column_int(0) > 0) {
        throw refusal{refusal::Kind::conflict, std::to_string(plates.column_int(0)) + " live plates hang on this name; rename it or cancel them first", "id"};
    }
    db.prepare("UPDATE place_names SET status = 'retired', updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = ?1").bind(1, id).run();
    auto after = state_of(db, id);
    after["decision_doc"] = d.document;
    after["decided_on"] = d.date;
    after["reason"] = d.reason;
    store::record_change(db, {actor, "place_name.retire", "place_names", std::to_string(id), before.dump(), after.dump()});
    tx.commit();
}

} // namespace diming::naming
