#include "plates/cancellation.hpp"

#include "core/calendar.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "plates/issuance.hpp"
#include "store/audit_log.hpp"
#include "store/database.hpp"

#include <nlohmann/json.hpp>

#include <array>

namespace diming::plates {

namespace {

struct Reason {
    const char* code;
    const char* zh;
    const char* en;
};
constexpr std::array<Reason, 5> reasons{{{"demolition", "拆除", "demolished"},
                                         {"merger", "合并", "merged with another"},
                                         {"renumbering", "重新编号", "renumbered"},
                                         {"error", "错编", "issued in error"},
                                         {"other", "其他", "other"}}};

} // namespace

nlohmann::json cancellation_reasons() {
    auto out = nlohmann::json::array();
    for (const auto& r : reasons) out.push_back({{"code", r.code}, {"zh", r.zh}, {"en", r.en}});
    return out;
}

CancellationResult cancel_plate(store::Database& db, const Cancellation& c, const std::string& actor) {
    bool known = false;
    for (const auto& r : reasons) known = known || c.reason_code == r.code;
    if (!known) throw refusal{refusal::Kind::invalid, "unknown reason '" + c.reason_code + "' (demolition, merger, renumbering, error, other)", "reason_code"};
    if (c.reason_code == "other" && text::trim(c.reason).empty()) throw refusal{refusal::Kind::invalid, "say why, for reason 'other'", "reason"};
    require_iso_date(c.cancelled_on, "cancelled_on");

    store::Transaction tx{db};
    auto plate = db.prepare("SELECT status, plate_type, standard_address FROM door_plates WHERE id = ?1");
    plate.bind(1, c.door_plate_id);
    if (!plate.step()) throw refusal{refusal::Kind::not_found, "no plate with id " + std::to_string(c.door_plate_id), "id"};
    if (plate.column_text(0) == "cancelled") {
        throw refusal{refusal::Kind::conflict, "plate " + std::to_string(c.door_plate_id) + " (" + plate.column_text(2) + ") is cancelled already", "id"};
    }
    CancellationResult out;
    out.number_retired = plate.column_text(1) == "door" && plate.column_text(0) == "active";

    // The plate and every live plate under it, parents first.
    std::vector<std::pair<std::int64_t, std::string>> doomed;
    auto tree = db.prepare(
        "WITH RECURSIVE t(id) AS (SELECT ?1 UNION ALL SELECT d.id FROM door_plates d JOIN t ON d.parent_id = t.id) "
        "SELECT d.id, d.status FROM door_plates d JOIN t ON t.id = d.id WHERE d.status <> 'cancelled' ORDER BY d.id");
    tree.bind(1, c.door_plate_id);
    while (tree.step()) doomed.emplace_back(tree.column_int(0), tree.column_text(1));

    auto busy = db.prepare("SELECT id, status, print_order_id FROM issuances WHERE door_plate_id = ?1 AND status IN ('ordered','printed') LIMIT 1");
    auto open = db.prepare("SELECT id FROM issuances WHERE door_plate_id = ?1 AND status IN ('applied','approved') ORDER BY id");
    auto mark = db.prepare("UPDATE door_plates SET status = 'cancelled', updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = ?1");
    auto record = db.prepare(
        "INSERT INTO door_plate_cancellations(door_plate_id, reason_code, reason, decision_doc, cancelled_on, former_status, cancelled_by) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    const std::string note = "注销 " + c.reason_code + (c.decision_doc.empty() ? "" : " " + c.decision_doc);
    for (const auto& [id, status] : doomed) {
        busy.bind(1, id);
        if (busy.step()) {
            throw refusal{refusal::Kind::conflict,
                          "plate " + std::to_string(id) + " has issuance " + std::to_string(busy.column_int(0)) + " " + busy.column_text(1) +
                              " in print order " + std::to_string(busy.column_int(2)) + "; finish or cancel that order first",
                          "id"};
        }
        busy.reset();
        std::vector<std::int64_t> issuances;
        open.bind(1, id);
        while (open.step()) issuances.push_back(open.column_int(0));
        open.reset();
        // Cancelled first: the issuance's own rule would cancel a planned plate, which is done here anyway.
        for (const auto issuance : issuances) move_issuance_in(db, issuance, "cancelled", actor, note);
        out.issuances_cancelled += static_cast<std::int64_t>(issuances.size());
        mark.bind(1, id).run();
        record.bind_all(id, c.reason_code, c.reason, c.decision_doc, c.cancelled_on, status, actor).run();
        store::record_change(db, {actor, "door_plate.cancel", "door_plates", std::to_string(id), nlohmann::json{{"status", status}}.dump(),
                                  nlohmann::json{{"status", "cancelled"},
                                                 {"reason_code", c.reason_code},
                                                 {"reason", c.reason},
                                                 {"decision_doc", c.decision_doc},
                                                 {"cancelled_on", c.cancelled_on},
                                                 {"with", id == c.door_plate_id ? nlohmann::json(nullptr) : nlohmann::json(c.door_plate_id)}}
                                      .dump()});
        ++out.plates_cancelled;
    }
    tx.commit();
    return out;
}

} // namespace diming::plates
