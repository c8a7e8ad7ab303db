#pragma once
// The mapping stage of an import: a decoded source row turned into a registry record by the
// profile: its fields, its point or geometry in EPSG:4490 inside the registry's extent, and
// for addresses the parsed components and match keys. Pure functions of the row: every one
// of them can run on any thread.

#include "address/gazetteer.hpp"
#include "importers/rejects.hpp"
#include "importers/source_reader.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_set>
#include <variant>

namespace diming::import {

struct Extent {
    double min_lon, min_lat, max_lon, max_lat;
    bool contains(double lon, double lat) const { return lon >= min_lon && lon <= max_lon && lat >= min_lat && lat <= max_lat; }
};
// Used before any division boundary is known.
inline constexpr Extent mainland_china{73.0, 3.0, 136.0, 54.0};

// A decimal number written in full, or nullopt.
std::optional<double> number_of(const std::string& s);
// "door", "building", "unit", "room" from the Chinese or English plate type, or "".
std::string plate_type_of(const std::string& s);
// The place-name category that a name's generic part implies, or "".
std::string category_for(const std::string& name);

// A column's value, trimmed ("" for an unmapped column).
std::string column_value(const SourceRow& row, int column);
// A diming field of the row: its mapped column, else the profile's constant, else "".
std::string field_value(const SourceLayer& layer, const SourceRow& row, const std::string& name);

// The point of a row in EPSG:4490 (monostate when it has none), or why it cannot be used.
std::variant<std::monostate, crs::LonLat, Reject> point_of(const SourceLayer& layer, const SourceRow& row, const Extent& extent);

// The row's geometry transformed to EPSG:4490 as WKB ("" when absent and not required), or why not.
std::variant<std::string, Reject> geometry_wkb(const SourceLayer& layer, const SourceRow& row, const Extent& extent, bool required);

// A source-address record ready to insert, or why the row cannot be one.
struct PreparedAddress {
    std::int64_t number = 0;
    std::string raw_json;
    std::optional<Reject> reject;
    std::string id, text, components, town_code, community_code, key_road, key_plate, key_building, key_room, flags;
    std::array<std::uint64_t, 2> id_digest{}; // of id, for the check that ids are unique
    std::optional<crs::LonLat> point;
};

// Maps a row to a source address: id (unique within the layer, tracked in ids; without ids the
// caller checks that in the rows' order), address text
// (the address column, else the component columns joined), point, parsed components.
// from_plate: the row is a civil door plate whose point is already known.
void prepare_source_address(const SourceLayer& layer, const SourceRow& row, const address::Gazetteer& gazetteer,
                            const Extent& extent, std::unordered_set<std::string>* ids, bool from_plate,
                            std::optional<crs::LonLat> known_point, PreparedAddress& out);

} // namespace diming::import
