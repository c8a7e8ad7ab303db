#pragma once
// What each kind of plate looks like, read from data/plates/templates.json (a bureau edits
// the file, not the code): size in millimetres, colours, and the panels of its face — each a
// rectangle in fractions of the plate holding the name, pinyin, number, postcode or QR code.

#include <optional>
#include <string>
#include <vector>

namespace diming::printing {

enum class PanelContent { name, pinyin, number, postcode, qr };

struct Panel {
    PanelContent content = PanelContent::name;
    double x = 0, y = 0, w = 1, h = 1;   // fractions of the plate's width and height
    std::string ground;                  // empty: the plate's ground shows through
    std::string colour;                  // text or QR modules; empty: the plate's
    double text_height = 0.6;            // the text's height as a fraction of the panel's
    std::optional<double> text_height_mm; // or an absolute height (GB 17733: building numbers ≥ 350 mm)
    bool bold = false;
    std::string number_format = "{}";    // "{}号": the number with its unit word
};

struct PlateTemplate {
    std::string sign;        // street, door, door-gate, building, unit, room
    std::string plate_type;  // the door_plates.plate_type it prints (street: a road's sign)
    std::string name;        // 小门牌 ...
    int width_mm = 0, height_mm = 0;
    std::string ground, colour;
    bool border = true;
    std::vector<Panel> panels;

    const Panel* panel(PanelContent c) const;
    // The number as the plate shows it: "12-1" → "12-1号" for a door plate.
    std::string number_text(const std::string& number) const;
};

struct CertificateLayout {
    std::string authority;   // the issuing authority; empty: the county's name + 民政局
    std::string title;
    int width_mm = 148, height_mm = 210;
};

struct PlateTemplates {
    std::string font;
    std::vector<PlateTemplate> templates;
    std::vector<std::pair<std::string, std::string>> postcodes; // division code prefix → postcode, longest first
    CertificateLayout certificate;

    const PlateTemplate& for_sign(const std::string& sign) const;
    // The postcode of a division (the longest configured prefix of its code); empty if none.
    std::string postcode(const std::string& division_code) const;
};

// data/plates/templates.json, read and checked once; an error names the file, the template
// and the field.
const PlateTemplates& plate_templates();
PlateTemplates read_plate_templates(const std::string& path);

} // namespace diming::printing
