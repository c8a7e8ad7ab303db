#include "printing/printer_sheet.hpp"

#include "core/csv_writer.hpp"
#include "core/error.hpp"
#include "printing/plate_drawing.hpp"
#include "printing/print_order.hpp"

#include <xlsxwriter.h>

#include <cstdio>
#include <map>
#include <memory>

namespace diming::printing {

namespace {

struct Column {
    const char* zh;
    const char* en;
    double width;         // in characters, for the XLSX
    bool numeric = false; // written as a number in the XLSX (sortable, summable)
};

const std::vector<Column> columns{
    {"序号", "No.", 6, true},     {"镇街", "Town", 12},           {"社区/村", "Community", 14},  {"道路/村", "Road", 14},
    {"标准地址", "Standard address", 40}, {"牌类", "Sign", 9},     {"规格(mm)", "Size (mm)", 10}, {"牌面名称", "Text", 16},
    {"拼音", "Pinyin", 18},       {"牌面号码", "Number", 10},     {"邮政编码", "Postcode", 9},   {"底色", "Ground", 9},
    {"字色", "Text colour", 9},   {"号码底色", "Number ground", 9}, {"号码字色", "Number colour", 9}, {"经度", "Longitude", 12, true},
    {"纬度", "Latitude", 12, true}, {"安装位置", "Install location", 36}, {"二维码网址", "QR code URL", 36}, {"类别", "Kind", 8},
    {"申领编号", "Issuance", 9, true}, {"门牌编号", "Plate", 9, true}};

const char* kind_label(const std::string& kind, SheetLanguage l) {
    if (kind == "new") return l == SheetLanguage::zh ? "新设" : "new";
    if (kind == "replacement") return l == SheetLanguage::zh ? "补换" : "replacement";
    if (kind == "renaming") return l == SheetLanguage::zh ? "更名换牌" : "renaming";
    return "";
}

std::string fixed(double v, int digits) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v);
    return buf;
}

std::string size_text(const PlateTemplate& t) {
    return std::to_string(t.width_mm) + "×" + std::to_string(t.height_mm);
}

// What the sheet shows, made once for both formats.
struct Sheet {
    std::vector<std::pair<std::string, std::string>> header;   // label, value
    std::vector<std::tuple<std::string, std::string, int>> quantities; // sign, size, count
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> groups;                            // each row's town › community › road
};

Sheet make_sheet(store::Database& db, std::int64_t order_id, const std::string& public_url, SheetLanguage l) {
    const bool zh = l == SheetLanguage::zh;
    const auto h = print_order_header(db, order_id);
    const auto faces = order_faces(db, order_id);
    Sheet s;
    std::map<std::pair<std::string, std::string>, int> counts;
    for (const auto& f : faces) ++counts[{f.templ->name, size_text(*f.templ)}];
    std::string summary;
    for (const auto& [key, n] : counts) {
        s.quantities.emplace_back(key.first, key.second, n);
        summary += (summary.empty() ? "" : zh ? "；" : "; ") + key.first + " " + key.second + " mm × " + std::to_string(n);
    }
    s.header = {{zh ? "印制单号" : "Print order", std::to_string(order_id)},
                {zh ? "日期" : "Date", h.created_at.substr(0, 10)},
                {zh ? "经办人" : "Clerk", h.created_by},
                {zh ? "印制单位" : "Printer", h.printer},
                {zh ? "备注" : "Note", h.note},
                {zh ? "数量" : "Quantities", (zh ? "共 " : "") + std::to_string(faces.size()) + (zh ? " 块：" : " plates: ") + summary}};
    int n = 0;
    for (const auto& f : faces) {
        const auto* number_panel = f.templ->panel(PanelContent::number);
        const auto& number_ground = number_panel && !number_panel->ground.empty() ? number_panel->ground : f.templ->ground;
        const auto& number_colour = number_panel && !number_panel->colour.empty() ? number_panel->colour : f.templ->colour;
        s.rows.push_back({std::to_string(++n), f.town, f.community, f.road, f.standard_address, f.templ->name, size_text(*f.templ), f.text,
                          f.pinyin, f.number_text(), f.postcode, f.templ->ground, f.templ->colour, number_ground, number_colour,
                          f.lon ? fixed(*f.lon, 7) : "", f.lat ? fixed(*f.lat, 7) : "", f.location,
                          f.public_code.empty() || public_url.empty() || !f.templ->panel(PanelContent::qr) ? "" : plate_url(public_url, f.public_code), kind_label(f.kind, l),
                          std::to_string(f.issuance_id), std::to_string(f.door_plate_id)});
        s.groups.push_back(f.town + " › " + f.community + " › " + f.road);
    }
    return s;
}

struct WorkbookClose {
    void operator()(lxw_workbook* w) const { workbook_close(w); }
};

void check(lxw_error e, const std::filesystem::path& path) {
    if (e != LXW_NO_ERROR) throw library_error{path.string() + ": libxlsxwriter: " + lxw_strerror(e)};
}

} // namespace

SheetLanguage sheet_language(const std::string& tag) {
    if (tag.empty() || tag == "zh" || tag.rfind("zh-", 0) == 0) return SheetLanguage::zh;
    if (tag == "en" || tag.rfind("en-", 0) == 0) return SheetLanguage::en;
    throw refusal{refusal::Kind::invalid, "lang must be zh or en, not '" + tag + "'", "lang"};
}

void export_csv(store::Database& db, std::int64_t order_id, const std::filesystem::path& path, const std::string& public_url, SheetLanguage l) {
    const auto s = make_sheet(db, order_id, public_url, l);
    CsvWriter out{path, CsvFor::spreadsheet};
    for (const auto& [label, value] : s.header) out.row({label, value});
    out.row({});
    std::vector<std::string> header;
    for (const auto& c : columns) header.emplace_back(l == SheetLanguage::zh ? c.zh : c.en);
    out.row(header);
    for (const auto& r : s.rows) out.row(r);
    out.close();
}

void export_xlsx(store::Database& db, std::int64_t order_id, const std::filesystem::path& path, const std::string& public_url, SheetLanguage l) {
    const bool zh = l == SheetLanguage::zh;
    const auto s = make_sheet(db, order_id, public_url, l);
    std::unique_ptr<lxw_workbook, WorkbookClose> book{workbook_new(path.c_str())};
    if (!book) throw library_error{path.string() + ": libxlsxwriter could not start the workbook"};
    lxw_format* bold = workbook_add_format(book.get());
    format_set_bold(bold);
    lxw_format* head = workbook_add_format(book.get());
    format_set_bold(head);
    format_set_bg_color(head, 0xDCE6F1);
    format_set_border(head, LXW_BORDER_THIN);
    lxw_format* group = workbook_add_format(book.get());
    format_set_bold(group);
    format_set_bg_color(group, 0xF2F2F2);

    lxw_worksheet* plates = workbook_add_worksheet(book.get(), zh ? "门牌清单" : "Plates");
    lxw_row_t row = 0;
    const std::string title = (zh ? "门牌印制单 " : "Door-plate print order ") + std::to_string(order_id);
    check(worksheet_write_string(plates, row++, 0, title.c_str(), bold), path);
    for (const auto& [label, value] : s.header) {
        check(worksheet_write_string(plates, row, 0, label.c_str(), bold), path);
        check(worksheet_write_string(plates, row, 1, value.c_str(), nullptr), path);
        ++row;
    }
    ++row;
    const lxw_row_t header_row = row;
    for (std::size_t c = 0; c < columns.size(); ++c) {
        check(worksheet_write_string(plates, header_row, static_cast<lxw_col_t>(c), zh ? columns[c].zh : columns[c].en, head), path);
        check(worksheet_set_column(plates, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), columns[c].width, nullptr), path);
    }
    worksheet_freeze_panes(plates, header_row + 1, 0);
    row = header_row + 1;
    std::string current;
    for (std::size_t i = 0; i < s.rows.size(); ++i) {
        if (s.groups[i] != current) { // a heading row for each road, for the installers' rounds
            current = s.groups[i];
            std::size_t count = 0;
            for (std::size_t k = i; k < s.rows.size() && s.groups[k] == current; ++k) ++count;
            const std::string text = current + (zh ? "（" + std::to_string(count) + " 块）" : " (" + std::to_string(count) + ")");
            check(worksheet_merge_range(plates, row, 0, row, static_cast<lxw_col_t>(columns.size() - 1), text.c_str(), group), path);
            ++row;
        }
        for (std::size_t c = 0; c < s.rows[i].size(); ++c) {
            const auto& v = s.rows[i][c];
            if (columns[c].numeric && !v.empty()) check(worksheet_write_number(plates, row, static_cast<lxw_col_t>(c), std::stod(v), nullptr), path);
            else check(worksheet_write_string(plates, row, static_cast<lxw_col_t>(c), v.c_str(), nullptr), path);
        }
        ++row;
    }

    lxw_worksheet* totals = workbook_add_worksheet(book.get(), zh ? "数量汇总" : "Quantities");
    const char* total_head[] = {zh ? "牌类" : "Sign", zh ? "规格(mm)" : "Size (mm)", zh ? "数量" : "Count"};
    for (lxw_col_t c = 0; c < 3; ++c) {
        check(worksheet_write_string(totals, 0, c, total_head[c], head), path);
        check(worksheet_set_column(totals, c, c, 14, nullptr), path);
    }
    worksheet_freeze_panes(totals, 1, 0);
    lxw_row_t r = 1;
    for (const auto& [sign, size, count] : s.quantities) {
        check(worksheet_write_string(totals, r, 0, sign.c_str(), nullptr), path);
        check(worksheet_write_string(totals, r, 1, size.c_str(), nullptr), path);
        check(worksheet_write_number(totals, r, 2, count, nullptr), path);
        ++r;
    }
    const lxw_error closed = workbook_close(book.release());
    check(closed, path);
}

} // namespace diming::printing
