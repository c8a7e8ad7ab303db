// Print orders (clerks): the order, its sheet (CSV/XLSX), its proofs (SVG per plate, PDF of
// the order), marking it printed; door-plate certificates (门牌证) for its plates; and the
// public page a plate's QR code leads to (no token: it shows only what is public).

#include "core/calendar.hpp"
#include "core/text.hpp"
#include "lookup/query.hpp"
#include "plates/public_record.hpp"
#include "printing/certificate.hpp"
#include "printing/plate_drawing.hpp"
#include "printing/print_order.hpp"
#include "printing/printer_sheet.hpp"
#include "server/call.hpp"
#include "server/request_body.hpp"
#include "server/scratch_folder.hpp"

#include <limits>

namespace diming::server {

namespace {

void print_orders_create(Call& c) {
    const auto& who = c.require(access::Role::clerk);
    Body b{c, {"issuance_ids", "printer", "note"}};
    printing::PrintOrderRequest r;
    r.issuance_ids = b.integers("issuance_ids");
    r.printer = b.text("printer", false, 100);
    r.note = b.prose("note", 500);
    const auto record = write(c, [&](store::Database& db) {
        const auto id = printing::create_print_order(db, r, who.name);
        return *printing::print_order_record(db, id);
    });
    c.send_json(201, record);
}

void print_orders_list(Call& c) {
    c.allow_params({"limit", "before", "status", "printer", "from", "to"});
    printing::PrintOrderFilter f;
    if (auto v = c.param("limit")) f.limit = static_cast<int>(lookup::parse_integer(*v, "limit", 1, 200));
    if (auto v = c.param("before")) f.before = lookup::parse_integer(*v, "before", 1, std::numeric_limits<std::int64_t>::max());
    if (auto v = c.param("status")) f.status = *v;
    if (auto v = c.param("printer")) f.printer = lookup::parse_text(*v, "printer", 100);
    if (auto v = c.param("from")) f.from = *v;
    if (auto v = c.param("to")) f.to = *v;
    c.send_json(200, printing::list_print_orders(c.worker.db, f));
}

void print_order_by_id(Call& c) {
    c.allow_params({});
    const auto id = c.path_id();
    auto r = printing::print_order_record(c.worker.db, id);
    if (!r) throw http_error{404, "not_found", "no print order " + std::to_string(id)};
    c.send_json(200, *r);
}

void attach(const Call& c, const std::string& filename) {
    c.res.set_header("Content-Disposition", "attachment; filename=\"" + filename + "\"");
}

// The sheets go through a file (libxlsxwriter writes files); it is removed before answering.
void print_order_sheet(Call& c, bool xlsx) {
    c.allow_params({"lang"});
    const auto id = c.path_id();
    const auto language = printing::sheet_language(c.param("lang").value_or("zh"));
    ScratchFolder dir;
    const auto file = dir / ("print-order-" + std::to_string(id) + (xlsx ? ".xlsx" : ".csv"));
    if (xlsx) printing::export_xlsx(c.worker.db, id, file, c.base_url(), language);
    else printing::export_csv(c.worker.db, id, file, c.base_url(), language);
    attach(c, file.filename().string());
    c.send_json(200, read_whole(file), xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" : "text/csv; charset=utf-8");
}

void print_order_proof(Call& c) {
    c.allow_params({});
    const auto id = c.path_id(1);
    const auto plate = c.path_id(2);
    auto svg = printing::proof_svg(c.worker.db, id, plate, c.base_url());
    if (!svg) throw http_error{404, "not_found", "plate " + std::to_string(plate) + " is not in print order " + std::to_string(id)};
    c.send_json(200, std::move(*svg), "image/svg+xml");
}

void print_order_proofs_pdf(Call& c) {
    c.allow_params({});
    const auto id = c.path_id();
    auto pdf = printing::proofs_pdf(c.worker.db, id, c.base_url());
    attach(c, "print-order-" + std::to_string(id) + "-proofs.pdf");
    c.send_json(200, std::move(pdf), "application/pdf");
}

void print_order_printed(Call& c) {
    const auto& who = c.require(access::Role::clerk);
    Body b{c, {}};
    const auto id = c.path_id();
    write(c, [&](store::Database& db) { printing::mark_printed(db, id, who.name); return 0; });
    c.send_json(200, json{{"id", id}, {"status", "printed"}});
}

// A road's sign, as SVG or PDF (the committee sees it before the sign is ordered).
void street_sign(Call& c, bool pdf) {
    c.allow_params({});
    const auto id = c.path_id();
    auto face = printing::street_sign(c.worker.db, id);
    if (!face) throw http_error{404, "not_found", "no place name " + std::to_string(id)};
    if (pdf) {
        attach(c, "sign-" + std::to_string(id) + ".pdf");
        c.send_json(200, printing::proof_pdf(*face, c.base_url()), "application/pdf");
    } else {
        c.send_json(200, printing::proof_svg(*face, c.base_url()), "image/svg+xml");
    }
}

// ---- certificates --------------------------------------------------------------------------

json certificates_json(const std::vector<printing::Certificate>& all) {
    auto out = json::array();
    for (const auto& cert : all) out.push_back(printing::to_json(cert));
    return json{{"certificates", std::move(out)}};
}

std::map<std::int64_t, std::string> households(const Body& b) {
    std::map<std::int64_t, std::string> out;
    if (!b.has("households")) return out;
    const auto& h = b.raw("households");
    if (!h.is_object()) throw http_error{400, "bad_request", "households maps issuance ids to names: {\"12\": \"张三\"}", "households"};
    for (const auto& [key, value] : h.items()) {
        const auto id = lookup::parse_integer(key, "households", 1, std::numeric_limits<std::int64_t>::max());
        if (!value.is_string()) throw http_error{400, "bad_request", "households." + key + " must be a string", "households"};
        out[id] = lookup::parse_text(value.get<std::string>(), "households", 40, true);
    }
    return out;
}

void print_order_certify(Call& c) {
    const auto& who = c.require(access::Role::clerk);
    Body b{c, {"households"}};
    const auto id = c.path_id();
    const auto names = households(b);
    auto all = write(c, [&](store::Database& db) { return printing::certify_print_order(db, id, names, today(), who.name); });
    c.send_json(200, certificates_json(all));
}

void print_order_certificates_pdf(Call& c) {
    c.require(access::Role::clerk); // households' names are printed on them
    c.allow_params({});
    const auto id = c.path_id();
    printing::print_order_header(c.worker.db, id);
    const auto all = printing::order_certificates(c.worker.db, id);
    if (all.empty()) {
        throw http_error{409, "conflict", "print order " + std::to_string(id) + " has no certificates yet: POST /api/v1/print-orders/" +
                                              std::to_string(id) + "/certificates issues them"};
    }
    attach(c, "print-order-" + std::to_string(id) + "-certificates.pdf");
    c.send_json(200, printing::certificates_pdf(all, c.base_url()), "application/pdf");
}

void issuance_certify(Call& c) {
    const auto& who = c.require(access::Role::clerk);
    Body b{c, {"household"}};
    const auto id = c.path_id();
    std::map<std::int64_t, std::string> names;
    if (b.has("household")) names[id] = b.prose("household", 40);
    const bool existed = printing::issuance_certificate(c.worker.db, id).has_value();
    auto all = write(c, [&](store::Database& db) { return printing::issue_certificates(db, {id}, names, today(), who.name); });
    c.send_json(existed ? 200 : 201, printing::to_json(all.at(0)));
}

void issuance_certificate_pdf(Call& c) {
    c.require(access::Role::clerk);
    c.allow_params({});
    const auto id = c.path_id();
    auto cert = printing::issuance_certificate(c.worker.db, id);
    if (!cert) throw http_error{404, "not_found", "issuance " + std::to_string(id) + " has no certificate"};
    attach(c, "certificate-" + cert->number + ".pdf");
    c.send_json(200, printing::certificates_pdf({*cert}, c.base_url()), "application/pdf");
}

// ---- the public plate page ---------------------------------------------------------------

std::string plate_page(const json& p) {
    auto e = [](const json& v) { return text::xml_escape(v.is_string() ? v.get<std::string>() : v.is_null() ? "" : v.dump()); };
    std::string rows;
    auto row = [&](const char* zh, const char* en, const std::string& value) {
        if (!value.empty()) rows += "<tr><th>" + std::string{zh} + " <span lang=\"en\">" + en + "</span></th><td>" + value + "</td></tr>\n";
    };
    row("类型", "Type", e(p["plate_type_label"]));
    row("状态", "Status", e(p["status_label"]));
    row("镇街", "Town", e(p["town"]));
    row("社区（村）", "Community", e(p["community"]));
    row("道路", "Road", e(p["road"]["name"]) + " <span lang=\"en\">" + e(p["road"]["pinyin"]) + "</span>");
    std::string coordinates;
    if (p["coordinates"].is_array()) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.6f, %.6f", p["coordinates"][0].get<double>(), p["coordinates"][1].get<double>());
        coordinates = buf;
        row("坐标 (CGCS2000)", "Coordinates", coordinates);
    }
    std::string history;
    for (const auto& h : p["name_history"]) {
        history += "<li>" + e(h["effective_on"]) + " " + e(h["former_name"]) + " → " + e(h["new_name"]) + "（" + e(h["decision_doc"]) + "）</li>\n";
    }
    for (const auto& h : p["former_addresses"]) {
        history += "<li>" + e(h["changed_on"]) + " 原地址 <span lang=\"en\">former address</span>：<b class=\"former\">" + e(h["former_address"]) +
                   "</b> → " + e(h["new_address"]) + "</li>\n";
    }
    std::string map;
    if (!coordinates.empty()) {
        map = "<div id=\"map\" data-lon=\"" + e(p["coordinates"][0]) + "\" data-lat=\"" + e(p["coordinates"][1]) +
              "\"></div>\n<script src=\"/vendor/ol/ol.js\"></script>\n<script src=\"/js/plate_page.js\"></script>\n";
    }
    return "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" + e(p["standard_address"]) + " · 门牌信息</title>\n"
           "<link rel=\"stylesheet\" href=\"/vendor/ol/ol.css\">\n<link rel=\"stylesheet\" href=\"/plate_page.css\">\n</head>\n<body>\n"
           "<main>\n<p class=\"kicker\">门牌信息 <span lang=\"en\">Door plate</span></p>\n<h1 id=\"address\">" + e(p["standard_address"]) + "</h1>\n"
           "<table>\n" + rows + "</table>\n" +
           (history.empty() ? "" : "<h2>沿革 <span lang=\"en\">History</span></h2>\n<ul id=\"history\">\n" + history + "</ul>\n") + map +
           "<p class=\"note\">此页内容为公开的地名门牌信息。<span lang=\"en\">Public place-name record.</span></p>\n</main>\n</body>\n</html>\n";
}

void public_plate(Call& c) {
    c.allow_params({"f"});
    const auto format = c.param("f").value_or("html");
    if (format != "html" && format != "json") throw http_error{400, "bad_request", "f must be html or json", "f"};
    const std::string code = c.req.matches[1];
    auto record = plates::public_plate_record(c.worker.db, code);
    if (!record) throw http_error{404, "not_found", "no door plate has the code '" + code.substr(0, 20) + "'"};
    c.res.set_header("Cache-Control", "public, max-age=300");
    if (format == "json") c.send_json(200, *record);
    else c.send_json(200, plate_page(*record), "text/html; charset=utf-8");
}

} // namespace

void add_printing_routes(httplib::Server& http, ServerState& state) {
    route(http, state, "POST", "/api/v1/print-orders", "/api/v1/print-orders", print_orders_create);
    route(http, state, "GET", "/api/v1/print-orders", "/api/v1/print-orders", print_orders_list);
    route(http, state, "GET", R"(/api/v1/print-orders/([0-9]+)\.csv)", "/api/v1/print-orders/{id}.csv", [](Call& c) { print_order_sheet(c, false); });
    route(http, state, "GET", R"(/api/v1/print-orders/([0-9]+)\.xlsx)", "/api/v1/print-orders/{id}.xlsx", [](Call& c) { print_order_sheet(c, true); });
    route(http, state, "GET", R"(/api/v1/print-orders/([0-9]+)/proofs\.pdf)", "/api/v1/print-orders/{id}/proofs.pdf", print_order_proofs_pdf);
    route(http, state, "GET", R"(/api/v1/print-orders/([^/]+)/proofs/([^/]+)\.svg)", "/api/v1/print-orders/{id}/proofs/{plate}.svg", print_order_proof);
    route(http, state, "POST", R"(/api/v1/print-orders/([^/]+)/certificates)", "/api/v1/print-orders/{id}/certificates", print_order_certify);
    route(http, state, "GET", R"(/api/v1/print-orders/([0-9]+)/certificates\.pdf)", "/api/v1/print-orders/{id}/certificates.pdf", print_order_certificates_pdf);
    route(http, state, "GET", R"(/api/v1/print-orders/([^/.]+))", "/api/v1/print-orders/{id}", print_order_by_id);
    route(http, state, "POST", R"(/api/v1/print-orders/([^/]+)/printed)", "/api/v1/print-orders/{id}/printed", print_order_printed);
    route(http, state, "POST", R"(/api/v1/issuances/([^/]+)/certificate)", "/api/v1/issuances/{id}/certificate", issuance_certify);
    route(http, state, "GET", R"(/api/v1/issuances/([0-9]+)/certificate\.pdf)", "/api/v1/issuances/{id}/certificate.pdf", issuance_certificate_pdf);
    route(http, state, "GET", R"(/p/([^/]+))", "/p/{code}", public_plate);
    route(http, state, "GET", R"(/api/v1/names/([0-9]+)/sign\.svg)", "/api/v1/names/{id}/sign.svg", [](Call& c) { street_sign(c, false); });
    route(http, state, "GET", R"(/api/v1/names/([0-9]+)/sign\.pdf)", "/api/v1/names/{id}/sign.pdf", [](Call& c) { street_sign(c, true); });
}

} // namespace diming::server
