#include "printing/certificate.hpp"

#include "core/error.hpp"
#include "core/text.hpp"
#include "plates/public_record.hpp"
#include "printing/canvas.hpp"
#include "printing/plate_drawing.hpp"
#include "printing/plate_template.hpp"
#include "store/audit_log.hpp"
#include "store/database.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace diming::printing {

namespace {

const char* const certificate_columns =
    "SELECT c.number, c.issuance_id, c.door_plate_id, c.household, c.standard_address, c.authority, c.issued_on, d.plate_type, d.number, "
    "d.suffix, d.building, d.room, t.name, m.name, k.code FROM door_plate_certificates c JOIN door_plates d ON d.id = c.door_plate_id "
    "LEFT JOIN divisions t ON t.code = d.town_code LEFT JOIN divisions m ON m.code = d.community_code "
    "LEFT JOIN plate_codes k ON k.door_plate_id = d.id ";

Certificate certificate_from(const store::Statement& q) {
    Certificate c;
    c.number = q.column_text(0);
    c.issuance_id = q.column_int(1);
    c.door_plate_id = q.column_int(2);
    c.household = q.column_text(3);
    c.standard_address = q.column_text(4);
    c.authority = q.column_text(5);
    c.issued_on = q.column_text(6);
    const std::string type = q.column_text(7);
    // The number as the household knows it, with its unit word.
    if (type == "door") c.plate_number = std::to_string(q.column_int(8)) + (q.column_text(9).empty() ? "" : "-" + q.column_text(9)) + "号";
    else if (type == "building") c.plate_number = q.column_text(10) + "幢";
    else c.plate_number = q.column_text(11) + "室";
    c.town = q.column_text(12);
    c.community = q.column_text(13);
    c.public_code = q.column_text(14);
    return c;
}

std::vector<Certificate> load(store::Database& db, const std::string& where, std::int64_t id) {
    auto q = db.prepare(std::string{certificate_columns} + where + " ORDER BY c.number");
    q.bind(1, id);
    std::vector<Certificate> out;
    while (q.step()) out.push_back(certificate_from(q));
    return out;
}

std::string authority_for(store::Database& db, const std::string& county) {
    if (!plate_templates().certificate.authority.empty()) return plate_templates().certificate.authority;
    auto q = db.prepare("SELECT short_name FROM divisions WHERE code = ?1");
    q.bind(1, county + "000000");
    if (!q.step()) throw refusal{refusal::Kind::conflict, "the registry has no county " + county + " to issue certificates in its name", "issuance_ids"};
    return q.column_text(0) + "民政局";
}

} // namespace

char certificate_check_character(std::string_view first16) {
    static const int weights[16] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4};
    static const char map[11] = {'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'};
    int sum = 0;
    for (std::size_t i = 0; i < 16; ++i) sum += (first16[i] - '0') * weights[i];
    return map[sum % 11];
}

bool is_certificate_number(std::string_view n) {
    if (n.size() != 17) return false;
    for (std::size_t i = 0; i < 16; ++i) {
        if (n[i] < '0' || n[i] > '9') return false;
    }
    return n[16] == certificate_check_character(n.substr(0, 16));
}

std::vector<Certificate> issue_certificates(store::Database& db, const std::vector<std::int64_t>& ids, const std::map<std::int64_t, std::string>& households,
                                            const std::string& issued_on, const std::string& actor) {
    store::Transaction tx{db};
    auto q = db.prepare("SELECT i.status, d.plate_type, d.id, d.standard_address, d.town_code, "
                        "(SELECT number FROM door_plate_certificates WHERE issuance_id = i.id) "
                        "FROM issuances i JOIN door_plates d ON d.id = i.door_plate_id WHERE i.id = ?1");
    auto last = db.prepare("SELECT max(number) FROM door_plate_certificates WHERE number >= ?1 AND number < ?1 || 'A'");
    auto insert = db.prepare("INSERT INTO door_plate_certificates(number, issuance_id, door_plate_id, household, standard_address, authority, "
                             "issued_on, issued_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    for (auto id : ids) {
        q.bind(1, id);
        if (!q.step()) throw refusal{refusal::Kind::not_found, "no issuance " + std::to_string(id), "issuance_ids"};
        const std::string status = q.column_text(0), type = q.column_text(1);
        if (status != "ordered" && status != "printed" && status != "installed") {
            throw refusal{refusal::Kind::conflict, "issuance " + std::to_string(id) + " is " + status +
                                                       "; a certificate is issued once its plate is on a print order (ordered, printed or installed)",
                          "issuance_ids"};
        }
        if (type == "unit") throw refusal{refusal::Kind::conflict, "issuance " + std::to_string(id) + " is a unit plate; no household holds it", "issuance_ids"};
        if (!q.is_null(5)) { // certified already: the number stays
            q.reset();
            continue;
        }
        const auto plate = q.column_int(2);
        const std::string address = q.column_text(3), county = q.column_text(4).substr(0, 6);
        q.reset();
        std::string household;
        if (auto h = households.find(id); h != households.end()) household = h->second;
        if (text::code_points(household) > 40) throw refusal{refusal::Kind::invalid, "household of issuance " + std::to_string(id) + " is longer than 40 characters", "households"};

        const std::string prefix = county + issued_on.substr(0, 4);
        last.bind(1, prefix);
        long serial = 1;
        if (last.step() && !last.is_null(0)) serial = std::stol(last.column_text(0).substr(10, 6)) + 1;
        last.reset();
        if (serial > 999999) throw refusal{refusal::Kind::conflict, "county " + county + " has used every certificate number of " + issued_on.substr(0, 4), "issuance_ids"};
        char digits[24];
        std::snprintf(digits, sizeof digits, "%06ld", serial);
        std::string number = prefix + digits;
        number += certificate_check_character(number);
        const auto authority = authority_for(db, county);
        insert.bind_all(number, id, plate, household, address, authority, issued_on, actor).run();
        insert.reset();
        plates::plate_code_in(db, plate);
        store::record_change(db, {actor, "certificate.issue", "door_plate_certificates", number, std::nullopt,
                                  nlohmann::json{{"issuance_id", id}, {"door_plate_id", plate}, {"household", household},
                                                 {"standard_address", address}, {"issued_on", issued_on}}.dump()});
    }
    tx.commit();
    std::vector<Certificate> out;
    for (auto id : ids) {
        if (auto c = issuance_certificate(db, id)) out.push_back(std::move(*c));
    }
    return out;
}

std::vector<Certificate> certify_print_order(store::Database& db, std::int64_t order_id, const std::map<std::int64_t, std::string>& households,
                                             const std::string& issued_on, const std::string& actor) {
    auto order = db.prepare("SELECT 1 FROM print_orders WHERE id = ?1");
    order.bind(1, order_id);
    if (!order.step()) throw refusal{refusal::Kind::not_found, "no print order " + std::to_string(order_id), "id"};
    auto in = db.prepare("SELECT 1 FROM issuances WHERE id = ?1 AND print_order_id = ?2");
    for (const auto& [id, name] : households) {
        in.bind(1, id).bind(2, order_id);
        if (!in.step()) throw refusal{refusal::Kind::invalid, "issuance " + std::to_string(id) + " is not in print order " + std::to_string(order_id), "households"};
        in.reset();
    }
    std::vector<std::int64_t> ids;
    auto q = db.prepare("SELECT i.id FROM issuances i JOIN door_plates d ON d.id = i.door_plate_id WHERE i.print_order_id = ?1 "
                        "AND i.status IN ('ordered','printed','installed') AND d.plate_type <> 'unit' ORDER BY i.id");
    q.bind(1, order_id);
    while (q.step()) ids.push_back(q.column_int(0));
    if (ids.empty()) throw refusal{refusal::Kind::conflict, "print order " + std::to_string(order_id) + " has no plate to certify", "id"};
    issue_certificates(db, ids, households, issued_on, actor);
    return order_certificates(db, order_id);
}

std::vector<Certificate> order_certificates(store::Database& db, std::int64_t order_id) {
    return load(db, "JOIN issuances i ON i.id = c.issuance_id WHERE i.print_order_id = ?1", order_id);
}

std::optional<Certificate> issuance_certificate(store::Database& db, std::int64_t issuance_id) {
    auto all = load(db, "WHERE c.issuance_id = ?1", issuance_id);
    if (all.empty()) return std::nullopt;
    return std::move(all.front());
}

nlohmann::json to_json(const Certificate& c) {
    return {{"number", c.number},       {"issuance_id", c.issuance_id},   {"door_plate_id", c.door_plate_id},
            {"household", c.household}, {"standard_address", c.standard_address}, {"plate_number", c.plate_number},
            {"authority", c.authority}, {"issued_on", c.issued_on}};
}

std::string certificates_pdf(const std::vector<Certificate>& certificates, const std::string& public_url) {
    const auto& layout = plate_templates().certificate;
    const auto& font = plate_templates().font;
    const double W = layout.width_mm, H = layout.height_mm;
    PdfDocument pdf{layout.title, certificates.empty() ? "" : certificates.front().authority};
    for (const auto& c : certificates) {
        cairo_t* cr = pdf.page(W, H);
        // A double frame in the certificate red.
        set_colour(cr, "#B22222");
        cairo_set_line_width(cr, 1.2);
        cairo_rectangle(cr, 8, 8, W - 16, H - 16);
        cairo_stroke(cr);
        cairo_set_line_width(cr, 0.4);
        cairo_rectangle(cr, 10, 10, W - 20, H - 20);
        cairo_stroke(cr);
        draw_text(cr, layout.title, {14, 18, W - 28, 16}, 11, font, true);
        set_colour(cr, "#000000");
        draw_text(cr, "证号 " + c.number, {14, 38, W - 28, 6}, 3.4, font, false);

        const std::vector<std::pair<std::string, std::string>> rows{
            {"户主（单位）", c.household.empty() ? "—" : c.household},
            {"标准地址", c.standard_address},
            {"门牌号码", c.plate_number},
            {"所在镇街", c.town},
            {"社区（村）", c.community},
            {"发证机关", c.authority},
            {"发证日期", c.issued_on.substr(0, 4) + " 年 " + c.issued_on.substr(5, 2) + " 月 " + c.issued_on.substr(8, 2) + " 日"}};
        double y = 54;
        const double label_w = 30, row_h = 11;
        cairo_set_line_width(cr, 0.25);
        for (const auto& [label, value] : rows) {
            set_colour(cr, "#000000");
            cairo_move_to(cr, 16, y + row_h);
            cairo_line_to(cr, W - 16, y + row_h);
            cairo_stroke(cr);
            draw_text(cr, label, {16, y + 2, label_w, row_h - 3}, 3.6, font, true, Align::left);
            draw_text(cr, value, {16 + label_w, y + 2, W - 32 - label_w, row_h - 3}, 3.8, font, false, Align::left);
            y += row_h;
        }
        if (!c.public_code.empty() && !public_url.empty()) {
            draw_qr(cr, encode_qr(plate_url(public_url, c.public_code)), {W - 16 - 38, y + 8, 38, 38}, "#000000", "#FFFFFF");
            draw_text(cr, "扫码查验门牌信息", {W - 16 - 38, y + 47, 38, 4}, 2.8, font, false);
        }
        draw_text(cr, "请妥善保管本证。门牌是公共设施，", {16, y + 14, W - 32 - 44, 5}, 3.2, font, false, Align::left);
        draw_text(cr, "请勿损毁、涂改或擅自移动。", {16, y + 21, W - 32 - 44, 5}, 3.2, font, false, Align::left);
        draw_text(cr, c.authority + "（盖章）", {16, H - 34, W - 32, 6}, 3.8, font, false);
    }
    return pdf.finish();
}

} // namespace diming::printing
