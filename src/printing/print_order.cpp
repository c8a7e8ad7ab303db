#include "printing/print_order.hpp"

#include "core/calendar.hpp"
#include "core/data_dir.hpp"
#include "core/error.hpp"
#include "pinyin/romanizer.hpp"
#include "plates/issuance.hpp"
#include "plates/numbering.hpp"
#include "plates/public_record.hpp"
#include "printing/plate_drawing.hpp"
#include "store/audit_log.hpp"
#include "store/database.hpp"

#include <nlohmann/json.hpp>

#include <cmath>

namespace diming::printing {

namespace {

void require_order(store::Database& db, std::int64_t id, std::string* status = nullptr) {
    auto s = db.prepare("SELECT status FROM print_orders WHERE id = ?1");
    s.bind(1, id);
    if (!s.step()) throw refusal{refusal::Kind::not_found, "no print order " + std::to_string(id), "id"};
    if (status) *status = s.column_text(0);
}

} // namespace

std::int64_t create_print_order(store::Database& db, const PrintOrderRequest& r, const std::string& actor) {
    store::Transaction tx{db};
    std::vector<std::int64_t> ids = r.issuance_ids;
    if (ids.empty()) {
        auto all = db.prepare("SELECT id FROM issuances WHERE status = 'approved' ORDER BY id");
        while (all.step()) ids.push_back(all.column_int(0));
        if (ids.empty()) throw refusal{refusal::Kind::conflict, "no approved issuances to print", "issuance_ids"};
    }
    auto status = db.prepare("SELECT status FROM issuances WHERE id = ?1");
    for (auto id : ids) {
        status.bind(1, id);
        if (!status.step()) throw refusal{refusal::Kind::not_found, "no issuance " + std::to_string(id), "issuance_ids"};
        if (status.column_text(0) != "approved") {
            throw refusal{refusal::Kind::conflict, "issuance " + std::to_string(id) + " is " + status.column_text(0) + "; only approved issuances are printed",
                          "issuance_ids"};
        }
        status.reset();
    }
    db.prepare("INSERT INTO print_orders(status, printer, note, created_by) VALUES ('open', ?1, ?2, ?3)").bind_all(r.printer, r.note, actor).run();
    const auto order = db.last_insert_rowid();
    auto plate_of = db.prepare("SELECT door_plate_id FROM issuances WHERE id = ?1");
    for (auto id : ids) {
        plates::move_issuance_in(db, id, "ordered", actor, "print order " + std::to_string(order), order);
        plate_of.bind(1, id);
        if (plate_of.step()) plates::plate_code_in(db, plate_of.column_int(0)); // its QR code's name, from now on
        plate_of.reset();
    }
    store::record_change(db, {actor, "print_order.create", "print_orders", std::to_string(order), std::nullopt,
                              nlohmann::json{{"issuance_ids", ids}, {"printer", r.printer}, {"note", r.note}}.dump()});
    tx.commit();
    return order;
}

void mark_printed(store::Database& db, std::int64_t order_id, const std::string& actor) {
    store::Transaction tx{db};
    std::string status;
    require_order(db, order_id, &status);
    if (status != "open" && status != "sent") {
        throw refusal{refusal::Kind::conflict, "print order " + std::to_string(order_id) + " is " + status, "id"};
    }
    std::vector<std::int64_t> ids;
    auto q = db.prepare("SELECT id FROM issuances WHERE print_order_id = ?1 AND status = 'ordered' ORDER BY id");
    q.bind(1, order_id);
    while (q.step()) ids.push_back(q.column_int(0));
    for (auto id : ids) plates::move_issuance_in(db, id, "printed", actor, "print order " + std::to_string(order_id) + " printed", order_id);
    db.prepare("UPDATE print_orders SET status = 'printed', updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = ?1").bind(1, order_id).run();
    store::record_change(db, {actor, "print_order.printed", "print_orders", std::to_string(order_id), nlohmann::json{{"status", status}}.dump(),
                              nlohmann::json{{"status", "printed"}, {"issuances", ids.size()}}.dump()});
    tx.commit();
}

std::vector<PlateFace> order_faces(store::Database& db, std::int64_t order_id) {
    require_order(db, order_id);
    std::vector<PlateFace> out;
    // In the installers' order: town, community, road, then along the road by the number of
    // the door the plate hangs at (a room's door is up to three levels above it).
    auto q = db.prepare(
        "SELECT i.id, d.id, i.kind, d.plate_type, p.name, p.pinyin, d.hamlet, d.number, d.suffix, d.compound, d.building, d.unit, d.room, "
        "d.standard_address, d.town_code, t.name, c.name, X(d.geom), Y(d.geom), k.code, d.place_name_id, COALESCE(c.code, t.code) "
        "FROM issuances i JOIN door_plates d ON d.id = i.door_plate_id JOIN place_names p ON p.id = d.place_name_id "
        "LEFT JOIN door_plates p1 ON p1.id = d.parent_id LEFT JOIN door_plates p2 ON p2.id = p1.parent_id "
        "LEFT JOIN door_plates p3 ON p3.id = p2.parent_id LEFT JOIN divisions t ON t.code = d.town_code "
        "LEFT JOIN divisions c ON c.code = d.community_code LEFT JOIN plate_codes k ON k.door_plate_id = d.id "
        "WHERE i.print_order_id = ?1 "
        "ORDER BY d.town_code, d.community_code, p.name, d.hamlet, COALESCE(d.number, p1.number, p2.number, p3.number), "
        "d.building, d.unit, d.room, d.id");
    q.bind(1, order_id);
    const auto& romanizer = pinyin::Romanizer::shared();
    const auto& templates = plate_templates();
    while (q.step()) {
        PlateFace f;
        f.issuance_id = q.column_int(0);
        f.door_plate_id = q.column_int(1);
        f.kind = q.column_text(2);
        f.plate_type = q.column_text(3);
        const std::string place = q.column_text(4), place_pinyin = q.column_text(5), hamlet = q.column_text(6), compound = q.column_text(9);
        const std::string building = q.column_text(10), unit = q.column_text(11), room = q.column_text(12);
        f.standard_address = q.column_text(13);
        f.postcode = templates.postcode(q.column_text(21));
        f.town = q.column_text(15);
        f.community = q.column_text(16);
        f.road = place;
        if (!q.is_null(17)) {
            f.lon = q.column_double(17);
            f.lat = q.column_double(18);
        }
        f.public_code = q.column_text(19);
        if (f.plate_type == "door") {
            f.text = hamlet.empty() ? place : hamlet;
            f.pinyin = hamlet.empty() ? place_pinyin : romanizer.romanize(hamlet, pinyin::NameKind::one_word).spelling;
            f.number = std::to_string(q.column_int(7)) + (q.column_text(8).empty() ? "" : "-" + q.column_text(8));
            f.templ = &templates.for_sign(compound.empty() ? "door" : "door-gate");
            f.location = f.text + " " + f.number + "号 门前";
            if (f.lon && hamlet.empty()) {
                const auto at = plates::road_position(db, q.column_int(20), {*f.lon, *f.lat});
                if (at.side != plates::Side::none && at.along_m) {
                    f.location = place + (at.side == plates::Side::left ? "左侧（单号）" : "右侧（双号）") + "，距路起点约 " +
                                 std::to_string(static_cast<long>(std::lround(*at.along_m))) + " 米，门前";
                }
            }
        } else {
            f.text = compound.empty() ? place : compound;
            f.pinyin = compound.empty() ? place_pinyin : romanizer.romanize(compound).spelling;
            f.number = f.plate_type == "building" ? building : f.plate_type == "unit" ? unit : room;
            f.templ = &templates.for_sign(f.plate_type);
            if (f.plate_type == "unit" && !building.empty()) f.text += building + "幢";
            f.location = f.plate_type == "building" ? f.text + " " + building + "幢 楼体外墙"
                       : f.plate_type == "unit"     ? f.text + " " + unit + "单元 入口"
                                                    : f.standard_address + " 户门";
        }
        out.push_back(std::move(f));
    }
    return out;
}

PrintOrderHeader print_order_header(store::Database& db, std::int64_t order_id) {
    auto s = db.prepare("SELECT status, printer, note, created_by, created_at FROM print_orders WHERE id = ?1");
    s.bind(1, order_id);
    if (!s.step()) throw refusal{refusal::Kind::not_found, "no print order " + std::to_string(order_id), "id"};
    return {order_id, s.column_text(0), s.column_text(1), s.column_text(2), s.column_text(3), s.column_text(4)};
}

std::optional<nlohmann::json> print_order_record(store::Database& db, std::int64_t order_id) {
    auto s = db.prepare("SELECT status, printer, note, created_by, created_at, updated_at FROM print_orders WHERE id = ?1");
    s.bind(1, order_id);
    if (!s.step()) return std::nullopt;
    nlohmann::json plates = nlohmann::json::array();
    for (const auto& f : order_faces(db, order_id)) {
        plates.push_back({{"issuance_id", f.issuance_id}, {"door_plate_id", f.door_plate_id}, {"kind", f.kind}, {"plate_type", f.plate_type},
                          {"sign", f.templ->name}, {"text", f.text}, {"pinyin", f.pinyin}, {"number", f.number},
                          {"number_text", f.number_text()}, {"postcode", f.postcode}, {"standard_address", f.standard_address},
                          {"size_mm", {f.templ->width_mm, f.templ->height_mm}}, {"town", f.town}, {"community", f.community},
                          {"location", f.location}});
    }
    return nlohmann::json{{"id", order_id}, {"status", s.column_text(0)}, {"printer", s.column_text(1)}, {"note", s.column_text(2)},
                          {"created_by", s.column_text(3)}, {"created_at", s.column_text(4)}, {"updated_at", s.column_text(5)},
                          {"plates", std::move(plates)}};
}

nlohmann::json list_print_orders(store::Database& db, const PrintOrderFilter& f) {
    if (f.status && *f.status != "open" && *f.status != "sent" && *f.status != "printed" && *f.status != "cancelled") {
        throw refusal{refusal::Kind::invalid, "status is open, sent, printed or cancelled", "status"};
    }
    if (f.from) require_iso_date(*f.from, "from");
    if (f.to) require_iso_date(*f.to, "to");
    auto s = db.prepare(
        "SELECT o.id, o.status, o.printer, o.note, o.created_by, o.created_at, count(i.id), count(i.id) FILTER (WHERE i.status = 'installed') "
        "FROM print_orders o LEFT JOIN issuances i ON i.print_order_id = o.id WHERE (?1 IS NULL OR o.id < ?1) AND (?3 IS NULL OR o.status = ?3) "
        "AND (?4 IS NULL OR instr(o.printer, ?4) > 0) AND (?5 IS NULL OR o.created_at >= ?5) AND (?6 IS NULL OR o.created_at < date(?6, '+1 day')) "
        "GROUP BY o.id ORDER BY o.id DESC LIMIT ?2");
    s.bind(1, f.before).bind(2, f.limit + 1).bind(3, f.status).bind(4, f.printer).bind(5, f.from).bind(6, f.to);
    auto out = nlohmann::json::array();
    std::optional<std::int64_t> next;
    while (s.step()) {
        if (static_cast<int>(out.size()) == f.limit) {
            next = out.back()["id"].get<std::int64_t>();
            break;
        }
        out.push_back({{"id", s.column_int(0)}, {"status", s.column_text(1)}, {"printer", s.column_text(2)}, {"note", s.column_text(3)},
                       {"created_by", s.column_text(4)}, {"created_at", s.column_text(5)}, {"plates", s.column_int(6)}, {"installed", s.column_int(7)}});
    }
    nlohmann::json result{{"print_orders", std::move(out)}};
    if (next) result["next_before"] = *next;
    return result;
}

std::optional<PlateFace> street_sign(store::Database& db, std::int64_t place_name_id) {
    auto q = db.prepare("SELECT p.name, p.pinyin, p.division_code, d.name FROM place_names p LEFT JOIN divisions d ON d.code = p.division_code "
                        "WHERE p.id = ?1");
    q.bind(1, place_name_id);
    if (!q.step()) return std::nullopt;
    PlateFace f;
    f.plate_type = "street";
    f.text = f.road = q.column_text(0);
    f.pinyin = q.column_text(1);
    f.postcode = plate_templates().postcode(q.column_text(2));
    f.town = q.column_text(3);
    f.standard_address = f.text;
    f.templ = &plate_templates().for_sign("street");
    return f;
}

std::optional<std::string> proof_svg(store::Database& db, std::int64_t order_id, std::int64_t door_plate_id, const std::string& public_url) {
    for (const auto& f : order_faces(db, order_id)) {
        if (f.door_plate_id == door_plate_id) return proof_svg(f, public_url);
    }
    return std::nullopt;
}

std::string proofs_pdf(store::Database& db, std::int64_t order_id, const std::string& public_url) {
    const auto h = print_order_header(db, order_id);
    const auto faces = order_faces(db, order_id);
    return proofs_pdf(ProofsHeader{order_id, h.created_at.substr(0, 10), h.created_by, h.printer}, faces, public_url);
}

} // namespace diming::printing
