#include "plates/public_record.hpp"

#include "store/database.hpp"

#include <nlohmann/json.hpp>

namespace diming::plates {

namespace {

const char* plate_type_label(const std::string& t) {
    if (t == "door") return "门牌";
    if (t == "building") return "楼牌";
    if (t == "unit") return "单元牌";
    if (t == "room") return "户室牌";
    return "";
}

const char* status_label(const std::string& s) {
    if (s == "active") return "在用";
    if (s == "planned") return "待安装";
    if (s == "cancelled") return "已注销";
    return "";
}

} // namespace

bool is_plate_code(const std::string& code) {
    return code.size() == 16 && code.find_first_not_of("0123456789abcdef") == std::string::npos;
}

std::optional<std::string> plate_code(store::Database& db, std::int64_t door_plate_id) {
    auto q = db.prepare("SELECT code FROM plate_codes WHERE door_plate_id = ?1");
    q.bind(1, door_plate_id);
    if (!q.step()) return std::nullopt;
    return q.column_text(0);
}

std::string plate_code_in(store::Database& db, std::int64_t door_plate_id) {
    if (auto code = plate_code(db, door_plate_id)) return *code;
    // 64 random bits: a clash is unlikely even among tens of millions of plates, and retried.
    auto insert = db.prepare("INSERT OR IGNORE INTO plate_codes(door_plate_id, code) VALUES (?1, lower(hex(randomblob(8))))");
    for (int attempt = 0; attempt < 8; ++attempt) {
        insert.bind(1, door_plate_id).run();
        insert.reset();
        if (auto code = plate_code(db, door_plate_id)) return *code;
    }
    throw store::database_error{"could not give door plate " + std::to_string(door_plate_id) + " a public code"};
}

std::optional<nlohmann::json> public_plate_record(store::Database& db, const std::string& code) {
    if (!is_plate_code(code)) return std::nullopt;
    auto q = db.prepare(
        "SELECT d.id, d.plate_type, d.status, d.standard_address, p.name, p.pinyin, d.hamlet, d.number, d.suffix, d.compound, d.building, "
        "d.unit, d.room, t.short_name, c.short_name, X(d.geom), Y(d.geom), d.place_name_id, d.updated_at "
        "FROM plate_codes k JOIN door_plates d ON d.id = k.door_plate_id JOIN place_names p ON p.id = d.place_name_id "
        "LEFT JOIN divisions t ON t.code = d.town_code LEFT JOIN divisions c ON c.code = d.community_code WHERE k.code = ?1");
    q.bind(1, code);
    if (!q.step()) return std::nullopt;
    const auto plate_id = q.column_int(0);
    const std::string type = q.column_text(1), status = q.column_text(2);
    nlohmann::json j{{"code", code},
                     {"plate_type", type},
                     {"plate_type_label", plate_type_label(type)},
                     {"status", status},
                     {"status_label", status_label(status)},
                     {"standard_address", q.column_text(3)},
                     {"road", {{"name", q.column_text(4)}, {"pinyin", q.column_text(5)}}},
                     {"hamlet", q.column_text(6)},
                     {"number", q.is_null(7) ? nlohmann::json(nullptr) : nlohmann::json(q.column_int(7))},
                     {"suffix", q.column_text(8)},
                     {"compound", q.column_text(9)},
                     {"building", q.column_text(10)},
                     {"unit", q.column_text(11)},
                     {"room", q.column_text(12)},
                     {"town", q.column_text(13)},
                     {"community", q.column_text(14)},
                     {"updated_at", q.column_text(18)}};
    j["coordinates"] = q.is_null(15) ? nlohmann::json(nullptr) : nlohmann::json::array({q.column_double(15), q.column_double(16)});
    const auto place = q.column_int(17);

    auto names = db.prepare("SELECT former_name, former_pinyin, new_name, decision_doc, effective_on FROM place_name_history "
                            "WHERE place_name_id = ?1 ORDER BY effective_on, id");
    names.bind(1, place);
    auto name_history = nlohmann::json::array();
    while (names.step()) {
        name_history.push_back({{"former_name", names.column_text(0)}, {"former_pinyin", names.column_text(1)}, {"new_name", names.column_text(2)},
                                {"decision_doc", names.column_text(3)}, {"effective_on", names.column_text(4)}});
    }
    j["name_history"] = std::move(name_history);

    auto addresses = db.prepare("SELECT h.former_address, h.new_address, substr(h.changed_at, 1, 10), r.decision_doc FROM door_plate_history h "
                                "LEFT JOIN place_name_history r ON r.id = h.renaming_id WHERE h.door_plate_id = ?1 ORDER BY h.id");
    addresses.bind(1, plate_id);
    auto former = nlohmann::json::array();
    while (addresses.step()) {
        former.push_back({{"former_address", addresses.column_text(0)}, {"new_address", addresses.column_text(1)},
                          {"changed_on", addresses.column_text(2)}, {"decision_doc", addresses.column_text(3)}});
    }
    j["former_addresses"] = std::move(former);
    return j;
}

} // namespace diming::plates
