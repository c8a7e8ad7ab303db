#pragma once
// Drawing with Cairo and Pango in millimetres: RAII owners of the C handles, a PDF or SVG
// document that collects pages, and text fitted into a box. Cairo embeds and subsets the
// fonts in a PDF and draws glyphs as outlines in an SVG, so a proof looks the same whatever
// fonts the sign shop has.

#include "printing/qr_code.hpp"

#include <cairo.h>

#include <memory>
#include <string>

namespace diming::printing {

struct CairoSurfaceFree {
    void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
};
struct CairoFree {
    void operator()(cairo_t* c) const { cairo_destroy(c); }
};
using CairoSurface = std::unique_ptr<cairo_surface_t, CairoSurfaceFree>;
using Cairo = std::unique_ptr<cairo_t, CairoFree>;

struct Box {
    double x = 0, y = 0, w = 0, h = 0;
};

enum class Align { centre, left };

// A PDF document in memory, its pages sized in millimetres one by one.
class PdfDocument {
public:
    PdfDocument(const std::string& title, const std::string& author);
    // Starts a page of this size; the drawing units are millimetres from the top left.
    cairo_t* page(double width_mm, double height_mm);
    // Ends the document and returns its bytes; throws library_error if Cairo failed.
    std::string finish();

private:
    std::string bytes_;
    CairoSurface surface_;
    Cairo cr_;
    bool first_ = true;
};

// An SVG drawing in memory, width × height millimetres, units millimetres.
class SvgDrawing {
public:
    SvgDrawing(double width_mm, double height_mm);
    cairo_t* context() { return cr_.get(); }
    // Ends the drawing; `title` goes into the SVG's <title> (what the drawing shows, for
    // search and screen readers, since its glyphs are outlines).
    std::string finish(const std::string& title);

private:
    std::string bytes_;
    CairoSurface surface_;
    Cairo cr_;
};

// "#1F4E9C" as the source colour.
void set_colour(cairo_t* cr, const std::string& hex);

// Text centred (or left-aligned) in a box with its ink `height_mm` tall, squeezed
// sideways (to 60% at most, then shrunk) when it would not fit the box's width.
void draw_text(cairo_t* cr, const std::string& text, const Box& box, double height_mm, const std::string& font, bool bold,
               Align align = Align::centre);

// A QR code as large as fits the box, centred, with its quiet zone, light on `ground`.
void draw_qr(cairo_t* cr, const QrCode& qr, const Box& box, const std::string& dark, const std::string& light);

} // namespace diming::printing
