#include "printing/canvas.hpp"

#include "core/error.hpp"
#include "core/text.hpp"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <pango/pangocairo.h>

#include <algorithm>

namespace diming::printing {

namespace {

constexpr double points_per_mm = 72.0 / 25.4;

cairo_status_t append(void* closure, const unsigned char* data, unsigned int length) {
    static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
    return CAIRO_STATUS_SUCCESS;
}

void require_ok(cairo_status_t status, const char* what) {
    if (status != CAIRO_STATUS_SUCCESS) throw library_error{std::string{"Cairo could not "} + what + ": " + cairo_status_to_string(status)};
}

struct GObjectFree {
    void operator()(void* o) const { g_object_unref(o); }
};
struct FontDescriptionFree {
    void operator()(PangoFontDescription* d) const { pango_font_description_free(d); }
};
struct FontOptionsFree {
    void operator()(cairo_font_options_t* o) const { cairo_font_options_destroy(o); }
};

} // namespace

PdfDocument::PdfDocument(const std::string& title, const std::string& author)
    : surface_{cairo_pdf_surface_create_for_stream(append, &bytes_, 595, 842)}, cr_{cairo_create(surface_.get())} {
    require_ok(cairo_surface_status(surface_.get()), "start a PDF");
    cairo_pdf_surface_set_metadata(surface_.get(), CAIRO_PDF_METADATA_TITLE, title.c_str());
    cairo_pdf_surface_set_metadata(surface_.get(), CAIRO_PDF_METADATA_AUTHOR, author.c_str());
    cairo_pdf_surface_set_metadata(surface_.get(), CAIRO_PDF_METADATA_CREATOR, "diming");
}

cairo_t* PdfDocument::page(double width_mm, double height_mm) {
    if (!first_) cairo_show_page(cr_.get());
    first_ = false;
    cairo_pdf_surface_set_size(surface_.get(), width_mm * points_per_mm, height_mm * points_per_mm);
    cairo_identity_matrix(cr_.get());
    cairo_scale(cr_.get(), points_per_mm, points_per_mm);
    return cr_.get();
}

std::string PdfDocument::finish() {
    if (!first_) cairo_show_page(cr_.get());
    cr_.reset();
    cairo_surface_finish(surface_.get());
    require_ok(cairo_surface_status(surface_.get()), "write the PDF");
    surface_.reset();
    return std::move(bytes_);
}

SvgDrawing::SvgDrawing(double width_mm, double height_mm)
    : surface_{cairo_svg_surface_create_for_stream(append, &bytes_, width_mm, height_mm)} {
    require_ok(cairo_surface_status(surface_.get()), "start an SVG drawing");
    // The surface's units are then millimetres: width="150mm" with a viewBox in mm, so the
    // drawing opens whole, at its true size.
    cairo_svg_surface_set_document_unit(surface_.get(), CAIRO_SVG_UNIT_MM);
    cr_.reset(cairo_create(surface_.get()));
}

std::string SvgDrawing::finish(const std::string& title) {
    cr_.reset();
    cairo_surface_finish(surface_.get());
    require_ok(cairo_surface_status(surface_.get()), "write the SVG");
    surface_.reset();
    const auto root = bytes_.find("<svg");
    const auto end = root == std::string::npos ? root : bytes_.find('>', root);
    if (end != std::string::npos) bytes_.insert(end + 1, "\n<title>" + text::xml_escape(title) + "</title>");
    return std::move(bytes_);
}

void set_colour(cairo_t* cr, const std::string& hex) {
    const auto v = std::stoul(hex.substr(1), nullptr, 16);
    const auto channel = [&](int shift) { return static_cast<double>((v >> shift) & 0xFF) / 255.0; };
    cairo_set_source_rgb(cr, channel(16), channel(8), channel(0));
}

void draw_text(cairo_t* cr, const std::string& text, const Box& box, double height_mm, const std::string& font, bool bold, Align align) {
    if (text.empty() || box.w <= 0 || box.h <= 0) return;
    std::unique_ptr<PangoLayout, GObjectFree> layout{pango_cairo_create_layout(cr)};
    // Unhinted metrics: the layout is measured once and drawn scaled.
    std::unique_ptr<cairo_font_options_t, FontOptionsFree> options{cairo_font_options_create()};
    cairo_font_options_set_hint_metrics(options.get(), CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(options.get(), CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(pango_layout_get_context(layout.get()), options.get());
    std::unique_ptr<PangoFontDescription, FontDescriptionFree> desc{pango_font_description_from_string(font.c_str())};
    pango_font_description_set_weight(desc.get(), bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_font_description_set_absolute_size(desc.get(), 100 * PANGO_SCALE);
    pango_layout_set_font_description(layout.get(), desc.get());
    pango_layout_set_text(layout.get(), text.c_str(), -1);
    pango_cairo_update_layout(cr, layout.get());
    PangoRectangle ink, logical;
    pango_layout_get_extents(layout.get(), &ink, &logical);
    const double ink_x = double(ink.x) / PANGO_SCALE, ink_y = double(ink.y) / PANGO_SCALE;
    const double ink_w = double(ink.width) / PANGO_SCALE, ink_h = double(ink.height) / PANGO_SCALE;
    if (ink_w <= 0 || ink_h <= 0) return;
    double scale = std::min(height_mm, box.h) / ink_h;
    double squeeze = std::min(1.0, box.w * 0.94 / (ink_w * scale));
    if (squeeze < 0.6) { // narrower than 60% reads badly: shrink instead
        scale *= squeeze / 0.6;
        squeeze = 0.6;
    }
    const double drawn_w = ink_w * scale * squeeze, drawn_h = ink_h * scale;
    const double left = align == Align::centre ? box.x + (box.w - drawn_w) / 2 : box.x;
    cairo_save(cr);
    cairo_translate(cr, left - ink_x * scale * squeeze, box.y + (box.h - drawn_h) / 2 - ink_y * scale);
    cairo_scale(cr, scale * squeeze, scale);
    pango_cairo_update_layout(cr, layout.get());
    cairo_move_to(cr, 0, 0);
    pango_cairo_show_layout(cr, layout.get());
    cairo_restore(cr);
}

void draw_qr(cairo_t* cr, const QrCode& qr, const Box& box, const std::string& dark, const std::string& light) {
    const int quiet = 4; // modules of light margin the QR standard asks for
    const double side = std::min(box.w, box.h);
    const double module = side / (qr.size + 2 * quiet);
    const double x0 = box.x + (box.w - side) / 2, y0 = box.y + (box.h - side) / 2;
    set_colour(cr, light);
    cairo_rectangle(cr, x0, y0, side, side);
    cairo_fill(cr);
    set_colour(cr, dark);
    for (int y = 0; y < qr.size; ++y) {
        for (int x = 0; x < qr.size; ++x) {
            if (qr.at(x, y)) cairo_rectangle(cr, x0 + (x + quiet) * module, y0 + (y + quiet) * module, module, module);
        }
    }
    // One fill for all modules; antialiasing off so neighbouring modules leave no hairlines.
    cairo_save(cr);
    cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);
    cairo_fill(cr);
    cairo_restore(cr);
}

} // namespace diming::printing
