#include "printing/plate_drawing.hpp"

#include "printing/canvas.hpp"
#include "printing/qr_code.hpp"

#include <algorithm>
#include <cmath>

namespace diming::printing {

namespace {

std::string content_text(const PlateFace& f, PanelContent c) {
    switch (c) {
    case PanelContent::name: return f.text;
    case PanelContent::pinyin: return f.pinyin;
    case PanelContent::number: return f.number_text();
    case PanelContent::postcode: return f.postcode;
    case PanelContent::qr: return {};
    }
    return {};
}

// The contact sheet: A4 landscape, 4 × 4 plates a page, each scaled into its cell.
constexpr double sheet_w = 297, sheet_h = 210, sheet_margin = 10, sheet_header = 12;
constexpr int sheet_cols = 4, sheet_rows = 4;

void draw_contact_page(cairo_t* cr, const ProofsHeader& h, const std::vector<PlateFace>& faces, std::size_t first, int page, int pages,
                       const std::string& public_url, const std::string& font) {
    set_colour(cr, "#000000");
    const std::string title = "印制单 " + std::to_string(h.order_id) + " 校样总览 · " + h.created_on + " · " + h.created_by +
                              (h.printer.empty() ? "" : " · " + h.printer) + " · 共 " + std::to_string(faces.size()) + " 块 · 第 " +
                              std::to_string(page) + "/" + std::to_string(pages) + " 页";
    draw_text(cr, title, {sheet_margin, sheet_margin - 4, sheet_w - 2 * sheet_margin, sheet_header - 2}, 4.2, font, true, Align::left);
    const double cell_w = (sheet_w - 2 * sheet_margin) / sheet_cols;
    const double cell_h = (sheet_h - 2 * sheet_margin - sheet_header) / sheet_rows;
    const double caption = 8;
    for (std::size_t i = first; i < faces.size() && i < first + sheet_cols * sheet_rows; ++i) {
        const auto& f = faces[i];
        const auto slot = static_cast<int>(i - first);
        const double cx = sheet_margin + (slot % sheet_cols) * cell_w, cy = sheet_margin + sheet_header + (slot / sheet_cols) * cell_h;
        const double room_w = cell_w - 6, room_h = cell_h - caption - 4;
        const double s = std::min(room_w / f.templ->width_mm, room_h / f.templ->height_mm);
        cairo_save(cr);
        cairo_translate(cr, cx + 3 + (room_w - f.templ->width_mm * s) / 2, cy + 2);
        cairo_scale(cr, s, s);
        draw_plate(cr, f, public_url);
        cairo_restore(cr);
        set_colour(cr, "#000000");
        draw_text(cr, std::to_string(i + 1) + ". " + f.templ->name + " " + std::to_string(f.templ->width_mm) + "×" + std::to_string(f.templ->height_mm) + " mm",
                  {cx + 3, cy + cell_h - caption - 1, room_w, 3.6}, 2.6, font, true, Align::left);
        draw_text(cr, f.standard_address, {cx + 3, cy + cell_h - caption + 3, room_w, 3.4}, 2.4, font, false, Align::left);
    }
}

} // namespace

std::string plate_url(const std::string& public_url, const std::string& code) {
    std::string base = public_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    return base + "/p/" + code;
}

void draw_plate(cairo_t* cr, const PlateFace& f, const std::string& public_url) {
    const auto& t = *f.templ;
    const auto& font = plate_templates().font;
    const double W = t.width_mm, H = t.height_mm;
    const double pad = 0.05 * std::min(W, H);
    set_colour(cr, t.ground);
    cairo_rectangle(cr, 0, 0, W, H);
    cairo_fill(cr);
    for (const auto& p : t.panels) {
        if (p.ground.empty() || p.content == PanelContent::qr) continue;
        set_colour(cr, p.ground);
        cairo_rectangle(cr, p.x * W, p.y * H, p.w * W, p.h * H);
        cairo_fill(cr);
    }
    if (t.border) { // an inset line, as on enamel plates
        const double inset = 0.025 * std::min(W, H);
        set_colour(cr, t.colour);
        cairo_set_line_width(cr, 0.012 * std::min(W, H));
        cairo_rectangle(cr, inset, inset, W - 2 * inset, H - 2 * inset);
        cairo_stroke(cr);
    }
    // The plate's edge in its ground colour: a white panel at the edge (the building plate's
    // number) keeps its bounds on white paper.
    set_colour(cr, t.ground);
    cairo_set_line_width(cr, 0.006 * std::min(W, H));
    cairo_rectangle(cr, 0, 0, W, H);
    cairo_stroke(cr);
    for (const auto& p : t.panels) {
        const Box panel{p.x * W, p.y * H, p.w * W, p.h * H};
        const Box inner{panel.x + pad, panel.y + pad * 0.5, panel.w - 2 * pad, panel.h - pad};
        if (p.content == PanelContent::qr) {
            if (f.public_code.empty() || public_url.empty()) continue;
            draw_qr(cr, encode_qr(plate_url(public_url, f.public_code)), inner, p.colour.empty() ? "#000000" : p.colour,
                    p.ground.empty() ? "#FFFFFF" : p.ground);
            continue;
        }
        set_colour(cr, p.colour.empty() ? t.colour : p.colour);
        const double height = p.text_height_mm ? *p.text_height_mm : p.text_height * panel.h;
        draw_text(cr, content_text(f, p.content), inner, height, font, p.bold);
    }
}

std::string proof_svg(const PlateFace& f, const std::string& public_url) {
    SvgDrawing svg{double(f.templ->width_mm), double(f.templ->height_mm)};
    draw_plate(svg.context(), f, public_url);
    return svg.finish(f.templ->name + " " + f.standard_address + "（" + f.text + " " + f.pinyin + " " + f.number_text() + "）");
}

std::string proof_pdf(const PlateFace& f, const std::string& public_url) {
    PdfDocument pdf{f.templ->name + " " + f.standard_address, "diming"};
    draw_plate(pdf.page(f.templ->width_mm, f.templ->height_mm), f, public_url);
    return pdf.finish();
}

std::string proofs_pdf(const ProofsHeader& h, const std::vector<PlateFace>& faces, const std::string& public_url) {
    const auto& font = plate_templates().font;
    PdfDocument pdf{"印制单 " + std::to_string(h.order_id) + " 门牌校样", h.created_by};
    const std::size_t per_page = sheet_cols * sheet_rows;
    const int pages = static_cast<int>((faces.size() + per_page - 1) / per_page);
    for (int page = 0; page < pages; ++page) {
        draw_contact_page(pdf.page(sheet_w, sheet_h), h, faces, page * per_page, page + 1, pages, public_url, font);
    }
    for (const auto& f : faces) draw_plate(pdf.page(f.templ->width_mm, f.templ->height_mm), f, public_url);
    return pdf.finish();
}

} // namespace diming::printing
