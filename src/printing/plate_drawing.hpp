#pragma once
// Plates drawn from their templates: one plate on a Cairo context (millimetres), an SVG
// proof of one plate, and the PDF of a print order — a contact sheet of every plate, then
// each plate on a page of its true size.

#include "printing/plate_face.hpp"

#include <cairo.h>

#include <string>
#include <vector>

namespace diming::printing {

// The URL a plate's QR code carries: <public_url>/p/<code>.
std::string plate_url(const std::string& public_url, const std::string& code);

// Draws the plate with its top left at the origin, in millimetres.
void draw_plate(cairo_t* cr, const PlateFace& face, const std::string& public_url);

std::string proof_svg(const PlateFace& face, const std::string& public_url);

// One plate on one page of its true size.
std::string proof_pdf(const PlateFace& face, const std::string& public_url);

struct ProofsHeader {
    std::int64_t order_id = 0;
    std::string created_on, created_by, printer;
};

std::string proofs_pdf(const ProofsHeader& header, const std::vector<PlateFace>& faces, const std::string& public_url);

} // namespace diming::printing
