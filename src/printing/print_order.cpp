#include "printing/print_order.hpp"

#include "core/csv_writer.hpp"
#include "core/data_dir.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "core/gdal.hpp"
#include "pinyin/romanizer.hpp"
#include "plates/issuance.hpp"
#include "store/audit_log.hpp"
#include "store/database.hpp"

#include <nlohmann/json.hpp>

#include <cpl_error.h>

#include <mutex>

namespace diming::printing {

namespace {

const SignSpec& spec_for(const std::string& sign) {
    for (const auto& s : sign_specs()) {
        if (s.sign == sign) return s;
    }
    throw input_error{(data_dir() / "plates" / "signs.csv").string() + ": no row for sign '" + sign + "'"};
}


const std::vector<std::pair<const char*, OGRFieldType>> sheet_fields{
    {"issuance_id", OFTInteger64}, {"door_plate_id", OFTInteger64}, {"kind", OFTString},     {"plate_type", OFTString},
    {"sign", OFTString},           {"text", OFTString},             {"pinyin", OFTString},   {"number", OFTString},
    {"standard_address", OFTString}, {"width_mm", OFTInteger64},    {"height_mm", OFTInteger64}, {"ground", OFTString},
    {"text_colour", OFTString},    {"number_ground", OFTString},    {"number_colour", OFTString}};

std::vector<std::string> sheet_row(const PlateFace& f) {
    return {std::to_string(f.issuance_id), std::to_string(f.door_plate_id), f.kind, f.plate_type, f.spec->name, f.text, f.pinyin, f.number,
            f.standard_address, std::to_string(f.spec->width_mm), std::to_string(f.spec->height_mm), f.spec->ground, f.spec->text_colour,
            f.spec->number_ground, f.spec->number_colour};
}

void require_order(store::Database& db, std::int64_t id, std::string* status = nullptr) {
    auto s = db.prepare("SELECT status FROM print_orders WHERE id = ?1");
    s.bind(1, id);
    if (!s.step()) throw refusal{refusal::Kind::not_found, "no print order " + std::to_string(id), "id"};
    if (status) *status = s.column_text(0);
}

} // namespace

const std::vector<SignSpec>& sign_specs() {
    static std::once_flag once;
    static std::vector<SignSpec> specs;
    std::call_once(once, [] {
        const auto path = data_dir() / "plates" / "signs.csv";
        const auto t = gdal::read_csv_table(path, {"sign", "plate_type", "name", "width_mm", "height_mm", "ground", "text_colour",
                                                   "number_ground", "number_colour", "layout"});
        for (const auto& row : t.rows) {
            auto col = [&](const char* c) { return row[t.column(c)]; };
            try {
                specs.push_back({col("sign"), col("plate_type"), col("name"), std::stoi(col("width_mm")), std::stoi(col("height_mm")),
                                 col("ground"), col("text_colour"), col("number_ground"), col("number_colour"), col("layout")});
            } catch (const std::exception&) {
                throw input_error{path.string() + ": sign '" + col("sign") + "': width_mm and height_mm must be whole numbers"};
            }
        }
    });
    return specs;
}

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
    for (auto id : ids) plates::move_issuance_in(db, id, "ordered", actor, "print order " + std::to_string(order), order);
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
    auto q = db.prepare(
        "SELECT i.id, d.id, i.kind, d.plate_type, p.name, p.pinyin, p.category_code, d.hamlet, d.number, d.suffix, d.compound, d.building, "
        "d.unit, d.room, d.standard_address FROM issuances i JOIN door_plates d ON d.id = i.door_plate_id "
        "JOIN place_names p ON p.id = d.place_name_id WHERE i.print_order_id = ?1 ORDER BY i.id");
    q.bind(1, order_id);
    const auto& romanizer = pinyin::Romanizer::shared();
    while (q.step()) {
        PlateFace f;
        f.issuance_id = q.column_int(0);
        f.door_plate_id = q.column_int(1);
        f.kind = q.column_text(2);
        f.plate_type = q.column_text(3);
        const std::string place = q.column_text(4), place_pinyin = q.column_text(5), hamlet = q.column_text(7), compound = q.column_text(10);
        f.standard_address = q.column_text(14);
        if (f.plate_type == "door") {
            f.text = hamlet.empty() ? place : hamlet;
            f.pinyin = hamlet.empty() ? place_pinyin : romanizer.romanize(hamlet, pinyin::NameKind::one_word).spelling;
            f.number = std::to_string(q.column_int(8)) + (q.column_text(9).empty() ? "" : "-" + q.column_text(9));
            f.spec = &spec_for(compound.empty() ? "door" : "door-gate");
        } else {
            f.text = compound.empty() ? place : compound;
            f.pinyin = compound.empty() ? place_pinyin : romanizer.romanize(compound).spelling;
            f.number = f.plate_type == "building" ? q.column_text(11) : f.plate_type == "unit" ? q.column_text(12) : q.column_text(13);
            f.spec = &spec_for(f.plate_type);
        }
        out.push_back(std::move(f));
    }
    return out;
}

std::optional<nlohmann::json> print_order_record(store::Database& db, std::int64_t order_id) {
    auto s = db.prepare("SELECT status, printer, note, created_by, created_at, updated_at FROM print_orders WHERE id = ?1");
    s.bind(1, order_id);
    if (!s.step()) return std::nullopt;
    nlohmann::json plates = nlohmann::json::array();
    for (const auto& f : order_faces(db, order_id)) {
        plates.push_back({{"issuance_id", f.issuance_id}, {"door_plate_id", f.door_plate_id}, {"kind", f.kind}, {"plate_type", f.plate_type},
                          {"sign", f.spec->name}, {"text", f.text}, {"pinyin", f.pinyin}, {"number", f.number},
                          {"standard_address", f.standard_address}, {"size_mm", {f.spec->width_mm, f.spec->height_mm}}});
    }
    return nlohmann::json{{"id", order_id}, {"status", s.column_text(0)}, {"printer", s.column_text(1)}, {"note", s.column_text(2)},
                          {"created_by", s.column_text(3)}, {"created_at", s.column_text(4)}, {"updated_at", s.column_text(5)},
                          {"plates", std::move(plates)}};
}

nlohmann::json list_print_orders(store::Database& db, int limit, std::optional<std::int64_t> before) {
    auto s = db.prepare(
        "SELECT o.id, o.status, o.printer, o.note, o.created_by, o.created_at, count(i.id), count(i.id) FILTER (WHERE i.status = 'installed') "
        "FROM print_orders o LEFT JOIN issuances i ON i.print_order_id = o.id WHERE (?1 IS NULL OR o.id < ?1) "
        "GROUP BY o.id ORDER BY o.id DESC LIMIT ?2");
    s.bind(1, before).bind(2, limit);
    auto out = nlohmann::json::array();
    while (s.step()) {
        out.push_back({{"id", s.column_int(0)}, {"status", s.column_text(1)}, {"printer", s.column_text(2)}, {"note", s.column_text(3)},
                       {"created_by", s.column_text(4)}, {"created_at", s.column_text(5)}, {"plates", s.column_int(6)}, {"installed", s.column_int(7)}});
    }
    return nlohmann::json{{"print_orders", std::move(out)}};
}

void export_csv(store::Database& db, std::int64_t order_id, const std::filesystem::path& path) {
    const auto faces = order_faces(db, order_id);
    CsvWriter out{path, CsvFor::spreadsheet};
    std::vector<std::string> header;
    for (const auto& [name, type] : sheet_fields) header.emplace_back(name);
    out.row(header);
    for (const auto& f : faces) out.row(sheet_row(f));
    out.close();
}

void export_xlsx(store::Database& db, std::int64_t order_id, const std::filesystem::path& path) {
    const auto faces = order_faces(db, order_id);
    auto ds = gdal::create_vector("XLSX", path);
    const std::string layer = "print_order_" + std::to_string(order_id);
    gdal::LayerWriter w{ds.get(), layer.c_str(), wkbNone, nullptr, sheet_fields};
    for (const auto& f : faces) {
        const auto row = sheet_row(f);
        for (std::size_t i = 0; i < row.size(); ++i) {
            if (sheet_fields[i].second == OFTInteger64) w.set(static_cast<int>(i), static_cast<std::int64_t>(std::stoll(row[i])));
            else w.set(static_cast<int>(i), row[i]);
        }
        w.write();
    }
    // Closing writes the file; a failure there is reported, not lost.
    CPLErrorReset();
    GDALClose(ds.release());
    if (CPLGetLastErrorType() == CE_Failure || !std::filesystem::exists(path)) {
        throw library_error{path.string() + ": GDAL could not write the XLSX file: " + gdal::last_error_message()};
    }
}

std::string proof_svg(const PlateFace& f) {
    const auto& s = *f.spec;
    const double w = s.width_mm, h = s.height_mm;
    std::string svg = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    svg += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(s.width_mm) + "mm\" height=\"" + std::to_string(s.height_mm) +
           "mm\" viewBox=\"0 0 " + std::to_string(s.width_mm) + " " + std::to_string(s.height_mm) + "\">\n";
    svg += "<title>" + text::xml_escape(s.name + " " + f.standard_address) + "</title>\n";
    const std::string font = "font-family=\"Noto Sans CJK SC, WenQuanYi Micro Hei, sans-serif\" text-anchor=\"middle\"";
    auto text = [&](double x, double y, double size, const std::string& colour, const std::string& content, const char* id) {
        return "<text id=\"" + std::string{id} + "\" x=\"" + std::to_string(x) + "\" y=\"" + std::to_string(y) + "\" font-size=\"" +
               std::to_string(size) + "\" fill=\"" + colour + "\" " + font + ">" + text::xml_escape(content) + "</text>\n";
    };
    svg += "<rect width=\"" + std::to_string(w) + "\" height=\"" + std::to_string(h) + "\" fill=\"" + s.ground + "\"/>\n";
    // A white border inset, as on enamel plates.
    svg += "<rect x=\"" + std::to_string(w * 0.03) + "\" y=\"" + std::to_string(h * 0.04) + "\" width=\"" + std::to_string(w * 0.94) + "\" height=\"" +
           std::to_string(h * 0.92) + "\" fill=\"none\" stroke=\"" + s.text_colour + "\" stroke-width=\"" + std::to_string(h * 0.015) + "\"/>\n";
    if (f.plate_type == "building") {
        // Name and pinyin on the left three fifths, the number white-ground red on the right.
        svg += "<rect x=\"" + std::to_string(w * 0.6) + "\" y=\"0\" width=\"" + std::to_string(w * 0.4) + "\" height=\"" + std::to_string(h) +
               "\" fill=\"" + s.number_ground + "\"/>\n";
        svg += text(w * 0.3, h * 0.45, h * 0.22, s.text_colour, f.text, "name");
        svg += text(w * 0.3, h * 0.72, h * 0.09, s.text_colour, f.pinyin, "pinyin");
        svg += text(w * 0.8, h * 0.68, h * 0.5, s.number_colour, f.number, "number");
    } else if (f.plate_type == "door") {
        svg += text(w / 2, h * 0.32, h * 0.2, s.text_colour, f.text, "name");
        svg += text(w / 2, h * 0.44, h * 0.08, s.text_colour, f.pinyin, "pinyin");
        svg += text(w / 2, h * 0.86, h * 0.38, s.number_colour, f.number, "number");
    } else {
        svg += text(w / 2, h * 0.3, h * 0.16, s.text_colour, f.text, "name");
        svg += text(w / 2, h * 0.85, h * 0.5, s.number_colour, f.number + (f.plate_type == "unit" ? "单元" : ""), "number");
    }
    svg += "</svg>\n";
    return svg;
}

std::optional<std::string> proof_svg(store::Database& db, std::int64_t order_id, std::int64_t door_plate_id) {
    for (const auto& f : order_faces(db, order_id)) {
        if (f.door_plate_id == door_plate_id) return proof_svg(f);
    }
    return std::nullopt;
}

} // namespace diming::printing
