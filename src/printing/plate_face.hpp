#pragma once
// One plate as it is to be made: what its face shows and which template draws it, with
// where it goes (for the installers' sheet).

#include "printing/plate_template.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace diming::printing {

struct PlateFace {
    std::int64_t issuance_id = 0;
    std::int64_t door_plate_id = 0;
    std::string kind;          // new, replacement, renaming
    std::string plate_type;    // door, building, unit, room; street for a road's sign
    std::string text;          // the name on the plate: road, hamlet, compound
    std::string pinyin;
    std::string number;        // 12-1, 3 (building), 1 (unit), 101 (room)
    std::string postcode;
    std::string standard_address;
    std::string public_code;   // names the plate in its QR code's URL; empty: no QR code
    const PlateTemplate* templ = nullptr;

    // Where it goes.
    std::string town, community, road;
    std::optional<double> lon, lat;
    std::string location;      // a short description for the installer

    std::string number_text() const { return templ->number_text(number); }
};

} // namespace diming::printing
