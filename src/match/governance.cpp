#include "match/governance.hpp"

#include "address/components.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "plates/door_plates.hpp"
#include "store/audit_log.hpp"
#include "store/database.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>

namespace diming::match {

namespace {

constexpr std::array<const char*, 9> kinds{"confirm", "reject", "link", "police_wrong", "civil_missing", "unregistered", "demolished", "duplicate", "withdraw"};

struct SourceRecord {
    std::string kind;      // police or civil
    std::optional<std::string> source_id;
    std::optional<std::int64_t> door_plate_id;
    std::string raw, key_road, key_plate;
    std::optional<double> lon, lat;
};

std::optional<SourceRecord> source_record(store::Database& db, std::int64_t id) {
    auto s = db.prepare(
        "SELECT d.source_kind, a.source_id, a.door_plate_id, a.raw_address, a.key_road, a.key_plate, X(a.geom), Y(a.geom) "
        "FROM source_addresses a JOIN datasets d ON d.id = a.dataset_id WHERE a.id = ?1");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    SourceRecord r{s.column_text(0), s.column_text_opt(1), std::nullopt, s.column_text(3), s.column_text(4), s.column_text(5), std::nullopt, std::nullopt};
    if (!s.is_null(2)) r.door_plate_id = s.column_int(2);
    if (!s.is_null(6)) {
        r.lon = s.column_double(6);
        r.lat = s.column_double(7);
    }
    return r;
}


// civil_missing: a door-plate application at the police record's point, for its road and
// number as the parser read them (the clerks approve it like any other).
plates::IssuedPlate apply_for_plate(store::Database& db, const SourceRecord& p, const std::string& actor) {
    if (!p.lon) throw refusal{refusal::Kind::invalid, "the police record has no point, so no plate can be applied for", "police_address_id"};
    const auto road = address::key_parts(p.key_road);
    if (road.size() < 2 || road[1].empty()) {
        throw refusal{refusal::Kind::conflict, "the police record names no road the parser recognised; correct its address (police_wrong) instead", "police_address_id"};
    }
    auto place = db.prepare("SELECT id FROM place_names WHERE name = ?1 AND substr(division_code, 1, 9) || '000' = ?2 AND status IN ('approved','registered') ORDER BY id LIMIT 1");
    place.bind_all(road[1], road[0]);
    if (!place.step()) {
        throw refusal{refusal::Kind::conflict, "road " + road[1] + " is not a registered name in its town: the committee names it first", "police_address_id"};
    }
    plates::DoorPlateRequest r;
    r.place_name_id = place.column_int(0);
    r.point = {*p.lon, *p.lat};
    r.applicant = "比对治理"; // the decision names the police record (match_decisions.issuance_id links them)
    const auto plate = address::key_parts(p.key_plate);
    if (plate.size() > 2 && !plate[2].empty()) {
        const auto dash = plate[2].find('-');
        try {
            r.number = std::stoi(plate[2].substr(0, dash));
        } catch (const std::exception&) {
        }
        if (dash != std::string::npos) r.suffix = plate[2].substr(dash + 1);
    }
    return plates::issue_door_plate_in(db, r, actor);
}

} // namespace

bool is_decision_kind(const std::string& kind) { return std::find(kinds.begin(), kinds.end(), kind) != kinds.end(); }

bool excludes_from_rate(const std::string& kind) { return kind == "unregistered" || kind == "demolished" || kind == "duplicate"; }

std::string police_key(const std::optional<std::string>& source_id, std::int64_t row_id) {
    if (source_id && !source_id->empty()) return "src:" + *source_id;
    return "row:" + std::to_string(row_id);
}

std::string civil_key(const std::optional<std::int64_t>& door_plate_id, const std::optional<std::string>& source_id, std::int64_t row_id) {
    if (door_plate_id) return "plate:" + std::to_string(*door_plate_id);
    return police_key(source_id, row_id);
}

DecisionResult decide_in(store::Database& db, const DecisionRequest& r, const std::string& actor) {
    if (!is_decision_kind(r.kind)) {
        throw refusal{refusal::Kind::invalid,
                      "unknown kind '" + r.kind + "' (confirm, reject, link, police_wrong, civil_missing, unregistered, demolished, duplicate, withdraw)", "kind"};
    }
    const bool needs_civil = r.kind == "confirm" || r.kind == "reject" || r.kind == "link";
    if (needs_civil != r.civil_address_id.has_value()) {
        throw refusal{refusal::Kind::invalid, needs_civil ? r.kind + " names the civil record (civil_address_id)" : r.kind + " takes no civil record", "civil_address_id"};
    }
    const auto corrected = text::is_valid_utf8(r.corrected_address) ? text::trim(r.corrected_address) : std::string{};
    if ((r.kind == "police_wrong") != !corrected.empty()) {
        throw refusal{refusal::Kind::invalid, r.kind == "police_wrong" ? "give the corrected address" : r.kind + " takes no corrected address", "corrected_address"};
    }
    if (!text::is_valid_utf8(r.reason) || text::code_points(r.reason) > 2000) throw refusal{refusal::Kind::invalid, "the reason is UTF-8 text of at most 2,000 characters", "reason"};

    const auto police = source_record(db, r.police_address_id);
    if (!police) throw refusal{refusal::Kind::not_found, "no record " + std::to_string(r.police_address_id), "police_address_id"};
    if (police->kind != "police") throw refusal{refusal::Kind::invalid, "record " + std::to_string(r.police_address_id) + " is a civil record, not a police one", "police_address_id"};
    const auto pkey = police_key(police->source_id, r.police_address_id);
    std::optional<std::string> ckey;
    if (r.civil_address_id) {
        const auto civil = source_record(db, *r.civil_address_id);
        if (!civil) throw refusal{refusal::Kind::not_found, "no record " + std::to_string(*r.civil_address_id), "civil_address_id"};
        if (civil->kind != "civil") throw refusal{refusal::Kind::invalid, "record " + std::to_string(*r.civil_address_id) + " is not a civil record", "civil_address_id"};
        ckey = civil_key(civil->door_plate_id, civil->source_id, *r.civil_address_id);
    }
    if (r.run_id) {
        auto run = db.prepare("SELECT 1 FROM match_runs WHERE id = ?1");
        run.bind(1, *r.run_id);
        if (!run.step()) throw refusal{refusal::Kind::not_found, "no match run " + std::to_string(*r.run_id), "run_id"};
    }
    DecisionResult out;
    if (r.kind == "civil_missing") {
        const auto plate = apply_for_plate(db, *police, actor);
        out.issuance_id = plate.issuance_id;
        out.door_plate_id = plate.door_plate_id;
    }
    db.prepare("INSERT INTO match_decisions(kind, police_key, police_address_id, police_raw, civil_key, civil_address_id, corrected_address, issuance_id, "
               "run_id, reason, decided_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)")
        .bind_all(r.kind, pkey, r.police_address_id, police->raw, ckey, r.civil_address_id,
                  corrected.empty() ? std::optional<std::string>{} : std::optional<std::string>{corrected}, out.issuance_id, r.run_id, r.reason, actor)
        .run();
    out.id = db.last_insert_rowid();
    nlohmann::json after{{"kind", r.kind}, {"police_key", pkey}, {"police_address", police->raw}};
    if (ckey) after["civil_key"] = *ckey;
    if (!corrected.empty()) after["corrected_address"] = corrected;
    if (out.issuance_id) after["issuance_id"] = *out.issuance_id;
    if (!r.reason.empty()) after["reason"] = r.reason;
    store::record_change(db, {actor, "match.decide", "match_decisions", std::to_string(out.id), std::nullopt, after.dump()});
    return out;
}

DecisionResult decide(store::Database& db, const DecisionRequest& r, const std::string& actor) {
    store::Transaction tx{db};
    auto out = decide_in(db, r, actor);
    tx.commit();
    return out;
}

std::int64_t decide_civil(store::Database& db, const std::string& kind, std::int64_t civil_address_id, const std::string& reason,
                          const std::string& actor) {
    if (kind != "unregistered" && kind != "demolished" && kind != "duplicate" && kind != "withdraw") {
        throw refusal{refusal::Kind::invalid, "a civil record is marked unregistered, demolished or duplicate (or withdraw)", "kind"};
    }
    if (!text::is_valid_utf8(reason) || text::code_points(reason) > 2000) throw refusal{refusal::Kind::invalid, "the reason is UTF-8 text of at most 2,000 characters", "reason"};
    store::Transaction tx{db};
    const auto civil = source_record(db, civil_address_id);
    if (!civil) throw refusal{refusal::Kind::not_found, "no record " + std::to_string(civil_address_id), "civil_address_id"};
    if (civil->kind != "civil") throw refusal{refusal::Kind::invalid, "record " + std::to_string(civil_address_id) + " is not a civil record", "civil_address_id"};
    const auto key = civil_key(civil->door_plate_id, civil->source_id, civil_address_id);
    db.prepare("INSERT INTO civil_decisions(kind, civil_key, civil_address_id, reason, decided_by) VALUES (?1, ?2, ?3, ?4, ?5)")
        .bind_all(kind, key, civil_address_id, reason, actor)
        .run();
    const auto id = db.last_insert_rowid();
    store::record_change(db, {actor, "match.decide_civil", "civil_decisions", std::to_string(id), std::nullopt,
                              nlohmann::json{{"kind", kind}, {"civil_key", key}, {"civil_address", civil->raw}, {"reason", reason}}.dump()});
    tx.commit();
    return id;
}

std::vector<std::string> excluded_civil_keys(store::Database& db) {
    // The latest decision of each civil record decides; withdraw puts it back.
    auto s = db.prepare("SELECT civil_key FROM civil_decisions d WHERE id = (SELECT max(id) FROM civil_decisions WHERE civil_key = d.civil_key) "
                        "AND kind <> 'withdraw'");
    std::vector<std::string> out;
    while (s.step()) out.push_back(s.column_text(0));
    return out;
}

nlohmann::json decisions_of(store::Database& db, std::int64_t police_address_id) {
    auto key = db.prepare("SELECT a.source_id FROM source_addresses a WHERE a.id = ?1");
    key.bind(1, police_address_id);
    if (!key.step()) throw refusal{refusal::Kind::not_found, "no record " + std::to_string(police_address_id), "police_address_id"};
    const auto pkey = police_key(key.column_text_opt(0), police_address_id);
    auto s = db.prepare(
        "SELECT id, kind, civil_key, civil_address_id, corrected_address, issuance_id, run_id, reason, decided_by, decided_at, police_raw, police_address_id "
        "FROM match_decisions WHERE police_key = ?1 ORDER BY id");
    s.bind(1, pkey);
    auto out = nlohmann::json::array();
    auto opt_int = [&](int i) { return s.is_null(i) ? nlohmann::json(nullptr) : nlohmann::json(s.column_int(i)); };
    auto opt_text = [&](int i) { return s.is_null(i) ? nlohmann::json(nullptr) : nlohmann::json(s.column_text(i)); };
    while (s.step()) {
        out.push_back({{"id", s.column_int(0)}, {"kind", s.column_text(1)}, {"civil_key", opt_text(2)}, {"civil_address_id", opt_int(3)},
                       {"corrected_address", opt_text(4)}, {"issuance_id", opt_int(5)}, {"run_id", opt_int(6)}, {"reason", s.column_text(7)},
                       {"decided_by", s.column_text(8)}, {"decided_at", s.column_text(9)}, {"police_address", s.column_text(10)},
                       {"police_address_id", s.column_int(11)}});
    }
    return nlohmann::json{{"police_key", pkey}, {"decisions", std::move(out)}};
}

std::unordered_map<std::string, Governance> load_governance(store::Database& db) {
    std::unordered_map<std::string, Governance> out;
    auto s = db.prepare("SELECT id, kind, police_key, civil_key, corrected_address, police_raw FROM match_decisions ORDER BY id");
    while (s.step()) {
        const std::string kind = s.column_text(1), key = s.column_text(2);
        if (kind == "withdraw") {
            out.erase(key);
            continue;
        }
        auto& g = out[key];
        g.decision_id = s.column_int(0);
        g.kind = kind;
        g.police_raw = s.column_text(5);
        if (kind == "confirm" || kind == "link") {
            g.manual_civil_key = s.column_text(3);
            std::erase(g.rejected_civil_keys, *g.manual_civil_key);
            g.status.clear();
        } else if (kind == "reject") {
            const auto civil = s.column_text(3);
            if (g.manual_civil_key == civil) g.manual_civil_key.reset();
            if (std::find(g.rejected_civil_keys.begin(), g.rejected_civil_keys.end(), civil) == g.rejected_civil_keys.end()) g.rejected_civil_keys.push_back(civil);
        } else if (kind == "police_wrong") {
            g.corrected_address = s.column_text(4);
            g.manual_civil_key.reset(); // the corrected address is matched afresh
            g.status.clear();
        } else {
            g.status = kind; // civil_missing, unregistered, demolished, duplicate
            g.manual_civil_key.reset();
        }
    }
    return out;
}

} // namespace diming::match
