#include "plates/issuance.hpp"

#include "core/calendar.hpp"
#include "core/csv_writer.hpp"
#include "core/error.hpp"
#include "core/gdal.hpp"
#include "store/audit_log.hpp"
#include "store/database.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>

namespace diming::plates {

namespace {

constexpr std::array<const char*, 7> statuses{"applied", "approved", "ordered", "printed", "installed", "rejected", "cancelled"};

bool known_status(const std::string& s) {
    for (const char* k : statuses) {
        if (s == k) return true;
    }
    return false;
}

} // namespace

void move_issuance_in(store::Database& db, std::int64_t id, const std::string& to, const std::string& actor, const std::string& note,
                      std::optional<std::int64_t> print_order) {
    if (!known_status(to)) {
        throw refusal{refusal::Kind::invalid, "unknown status '" + to + "' (applied, approved, ordered, printed, installed, rejected, cancelled)", "to"};
    }
    auto cur = db.prepare("SELECT i.status, i.kind, i.door_plate_id, d.status FROM issuances i JOIN door_plates d ON d.id = i.door_plate_id WHERE i.id = ?1");
    cur.bind(1, id);
    if (!cur.step()) throw refusal{refusal::Kind::not_found, "no issuance " + std::to_string(id), "id"};
    const std::string from = cur.column_text(0), kind = cur.column_text(1), plate_status = cur.column_text(3);
    const auto plate = cur.column_int(2);
    auto legal = db.prepare("SELECT 1 FROM issuance_transitions WHERE from_status = ?1 AND to_status = ?2");
    legal.bind_all(from, to);
    if (!legal.step()) {
        std::string allowed;
        auto next = db.prepare("SELECT to_status FROM issuance_transitions WHERE from_status = ?1 ORDER BY to_status");
        next.bind(1, from);
        while (next.step()) allowed += (allowed.empty() ? "" : ", ") + next.column_text(0);
        throw refusal{refusal::Kind::conflict,
                      "issuance " + std::to_string(id) + " is " + from + "; it cannot become " + to +
                          (allowed.empty() ? std::string{" (it is final)"} : " (from " + from + ": " + allowed + ")"),
                      "to"};
    }
    if ((to == "ordered" || to == "printed") && !print_order) {
        throw refusal{refusal::Kind::conflict, "issuances become " + to + " through a print order", "to"};
    }
    if (to == "ordered") {
        db.prepare("UPDATE issuances SET status = ?2, print_order_id = ?3, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = ?1")
            .bind_all(id, to, *print_order)
            .run();
    } else if (to == "approved" && from == "ordered") {
        // Back from a cancelled order: no longer in it.
        db.prepare("UPDATE issuances SET status = ?2, print_order_id = NULL, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = ?1")
            .bind_all(id, to)
            .run();
    } else {
        db.prepare("UPDATE issuances SET status = ?2, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = ?1").bind_all(id, to).run();
    }
    db.prepare("INSERT INTO issuance_events(issuance_id, from_status, to_status, actor, note) VALUES (?1, ?2, ?3, ?4, ?5)")
        .bind_all(id, from, to, actor, note)
        .run();
    // The plate follows its first issuance: installed -> active; a refused new plate frees its number.
    std::optional<std::string> plate_now;
    if (to == "installed" && plate_status == "planned") plate_now = "active";
    if ((to == "rejected" || to == "cancelled") && kind == "new" && plate_status == "planned") plate_now = "cancelled";
    if (plate_now) {
        db.prepare("UPDATE door_plates SET status = ?2, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = ?1")
            .bind_all(plate, *plate_now)
            .run();
    }
    nlohmann::json before{{"status", from}}, after{{"status", to}};
    if (!note.empty()) after["note"] = note;
    if (plate_now) after["door_plate_status"] = *plate_now;
    store::record_change(db, {actor, "issuance." + to, "issuances", std::to_string(id), before.dump(), after.dump()});
}

std::size_t move_issuances(store::Database& db, const BatchMove& batch, const std::string& actor) {
    if (batch.ids.empty()) throw refusal{refusal::Kind::invalid, "no issuances chosen", "ids"};
    if (batch.ids.size() > max_batch_move) {
        throw refusal{refusal::Kind::invalid, "at most " + std::to_string(max_batch_move) + " issuances move at once", "ids"};
    }
    std::vector<std::int64_t> ids = batch.ids;
    std::sort(ids.begin(), ids.end());
    if (std::adjacent_find(ids.begin(), ids.end()) != ids.end()) throw refusal{refusal::Kind::invalid, "an issuance is chosen twice", "ids"};
    store::Transaction tx{db};
    std::vector<std::string> problems;
    std::size_t failed = 0;
    refusal::Kind worst = refusal::Kind::conflict;
    for (const auto id : batch.ids) {
        try {
            move_issuance_in(db, id, batch.to, actor, batch.note);
        } catch (const refusal& e) {
            if (e.field() == "to" && e.kind() == refusal::Kind::invalid) throw; // an unknown status: the same for all
            if (e.kind() == refusal::Kind::not_found) worst = refusal::Kind::not_found;
            if (++failed <= 20) problems.push_back(e.what());
        }
    }
    if (failed > 0) {
        std::string text = std::to_string(failed) + " of the " + std::to_string(batch.ids.size()) + " issuances cannot become " + batch.to +
                           ", so none moved: ";
        for (std::size_t i = 0; i < problems.size(); ++i) text += (i ? "; " : "") + problems[i];
        if (failed > problems.size()) text += "; …";
        throw refusal{worst, text, "ids"};
    }
    tx.commit();
    return batch.ids.size();
}

void move_issuance(store::Database& db, std::int64_t id, const std::string& to, const std::string& actor, const std::string& note) {
    store::Transaction tx{db};
    move_issuance_in(db, id, to, actor, note);
    tx.commit();
}

nlohmann::json list_issuances(store::Database& db, const IssuanceFilter& f) {
    if (f.status && !known_status(*f.status)) throw refusal{refusal::Kind::invalid, "unknown status '" + *f.status + "'", "status"};
    if (f.from) require_iso_date(*f.from, "from");
    if (f.to) require_iso_date(*f.to, "to");
    if (f.kind && *f.kind != "new" && *f.kind != "replacement" && *f.kind != "renaming") {
        throw refusal{refusal::Kind::invalid, "unknown kind '" + *f.kind + "' (new, replacement, renaming)", "kind"};
    }
    if (f.q && f.q->empty()) throw refusal{refusal::Kind::invalid, "q is empty", "q"};
    if (f.limit < 1 || f.limit > max_issuance_limit) throw refusal{refusal::Kind::invalid, "limit is between 1 and 1000", "limit"};
    std::optional<std::int64_t> road_id;
    std::optional<std::string> road_name;
    if (f.road) {
        if (!f.road->empty() && f.road->find_first_not_of("0123456789") == std::string::npos && f.road->size() < 18) road_id = std::stoll(*f.road);
        else road_name = *f.road;
    }
    auto& s = db.cached(
        "SELECT i.id, i.kind, i.status, i.applicant, i.renaming_id, i.print_order_id, i.created_by, i.created_at, i.updated_at, "
        "d.id, d.plate_type, d.standard_address, p.id, p.name "
        "FROM issuances i JOIN door_plates d ON d.id = i.door_plate_id JOIN place_names p ON p.id = d.place_name_id "
        "WHERE i.id > ?1 AND (?2 IS NULL OR i.status = ?2) AND (?3 IS NULL OR p.id = ?3) AND (?4 IS NULL OR p.name = ?4) "
        "AND (?5 IS NULL OR i.created_at >= ?5) AND (?6 IS NULL OR i.created_at < date(?6, '+1 day')) "
        "AND (?7 IS NULL OR i.print_order_id = ?7) AND (?9 IS NULL OR i.kind = ?9) "
        "AND (?10 IS NULL OR instr(d.standard_address, ?10) > 0 OR instr(i.applicant, ?10) > 0) ORDER BY i.id LIMIT ?8");
    s.bind(1, f.after).bind(2, f.status).bind(3, road_id).bind(4, road_name).bind(5, f.from).bind(6, f.to).bind(7, f.print_order).bind(8, f.limit + 1);
    s.bind(9, f.kind).bind(10, f.q);
    nlohmann::json items = nlohmann::json::array();
    bool more = false;
    while (s.step()) {
        if (static_cast<int>(items.size()) == f.limit) {
            more = true;
            break;
        }
        items.push_back({{"id", s.column_int(0)},
                         {"kind", s.column_text(1)},
                         {"status", s.column_text(2)},
                         {"applicant", s.column_text(3)},
                         {"renaming_id", s.is_null(4) ? nlohmann::json(nullptr) : nlohmann::json(s.column_int(4))},
                         {"print_order_id", s.is_null(5) ? nlohmann::json(nullptr) : nlohmann::json(s.column_int(5))},
                         {"created_by", s.column_text(6)},
                         {"created_at", s.column_text(7)},
                         {"updated_at", s.column_text(8)},
                         {"door_plate", {{"id", s.column_int(9)}, {"plate_type", s.column_text(10)}, {"standard_address", s.column_text(11)}}},
                         {"place", {{"id", s.column_int(12)}, {"name", s.column_text(13)}}}});
    }
    s.reset();
    nlohmann::json out{{"issuances", std::move(items)}, {"more", more}};
    if (more) out["next_after"] = out["issuances"].back()["id"];
    return out;
}

std::int64_t export_issuances(store::Database& db, const IssuanceFilter& filter, const std::filesystem::path& file, bool xlsx) {
    static const std::vector<std::string> headers{"编号", "门牌编号", "标准地址", "门牌类型", "类型", "状态", "申请人", "道路", "印制单", "创建人", "创建时间", "更新时间"};
    std::vector<std::vector<std::string>> rows;
    auto page = filter;
    page.limit = max_issuance_limit;
    page.after = 0;
    while (true) {
        const auto part = list_issuances(db, page);
        for (const auto& i : part["issuances"]) {
            rows.push_back({std::to_string(i["id"].get<std::int64_t>()), std::to_string(i["door_plate"]["id"].get<std::int64_t>()),
                            i["door_plate"]["standard_address"], i["door_plate"]["plate_type"], i["kind"], i["status"], i["applicant"],
                            i["place"]["name"], i["print_order_id"].is_null() ? std::string{} : std::to_string(i["print_order_id"].get<std::int64_t>()),
                            i["created_by"], i["created_at"], i["updated_at"]});
        }
        if (!part["more"].get<bool>() || rows.size() >= 200'000) break;
        page.after = part["next_after"].get<std::int64_t>();
    }
    if (xlsx) {
        auto ds = gdal::create_vector("XLSX", file);
        std::vector<std::pair<const char*, OGRFieldType>> fields;
        for (const auto& h : headers) fields.emplace_back(h.c_str(), OFTString);
        gdal::LayerWriter w{ds.get(), "发放记录", wkbNone, nullptr, fields};
        for (const auto& r : rows) {
            for (std::size_t c = 0; c < r.size(); ++c) w.set(static_cast<int>(c), r[c]);
            w.write();
        }
    } else {
        CsvWriter out{file, CsvFor::spreadsheet};
        out.row(headers);
        for (const auto& r : rows) out.row(r);
        out.close();
    }
    return static_cast<std::int64_t>(rows.size());
}

std::optional<nlohmann::json> issuance_record(store::Database& db, std::int64_t id) {
    IssuanceFilter f;
    f.after = id - 1;
    f.limit = 1;
    auto one = list_issuances(db, f);
    if (one["issuances"].empty() || one["issuances"][0]["id"] != id) return std::nullopt;
    auto r = one["issuances"][0];
    nlohmann::json events = nlohmann::json::array();
    auto e = db.prepare("SELECT from_status, to_status, actor, note, at FROM issuance_events WHERE issuance_id = ?1 ORDER BY id");
    e.bind(1, id);
    while (e.step()) {
        events.push_back({{"from", e.is_null(0) ? nlohmann::json(nullptr) : nlohmann::json(e.column_text(0))},
                          {"to", e.column_text(1)},
                          {"actor", e.column_text(2)},
                          {"note", e.column_text(3)},
                          {"at", e.column_text(4)}});
    }
    r["events"] = std::move(events);
    auto certificate = db.prepare("SELECT number FROM door_plate_certificates WHERE issuance_id = ?1");
    certificate.bind(1, id);
    r["certificate_number"] = certificate.step() ? nlohmann::json(certificate.column_text(0)) : nlohmann::json(nullptr);
    return r;
}

} // namespace diming::plates
