#pragma once
// What every lookup takes: points and boxes in CGCS2000 longitude/latitude, validated the
// same way whether they come from a URL or the command line.

#include "core/error.hpp"

#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace diming::lookup {

// A lookup parameter that cannot be used; field() names it ("bbox", "limit"...).
class query_error : public diming::input_error {
public:
    query_error(std::string field, const std::string& message)
        : input_error{field + ": " + message}, field_{std::move(field)}, message_{message} {}
    const std::string& field() const noexcept { return field_; }
    const std::string& reason() const noexcept { return message_; }

private:
    std::string field_;
    std::string message_;
};

struct LonLat {
    double lon = 0;
    double lat = 0;
};

struct BBox {
    double min_lon = 0;
    double min_lat = 0;
    double max_lon = 0;
    double max_lat = 0;
    bool intersects(const BBox& o) const noexcept {
        return min_lon <= o.max_lon && max_lon >= o.min_lon && min_lat <= o.max_lat && max_lat >= o.min_lat;
    }
    bool contains(const BBox& other) const noexcept {
        return min_lon <= other.min_lon && min_lat <= other.min_lat && max_lon >= other.max_lon && max_lat >= other.max_lat;
    }
};

// "lon,lat": finite, lon in [-180,180], lat in [-90,90].
LonLat parse_lon_lat(std::string_view text, const std::string& field);
// "minlon,minlat,maxlon,maxlat" (OGC order): min <= max, within the globe.
BBox parse_bbox(std::string_view text, const std::string& field);
// A whole number in [min, max].
long long parse_integer(std::string_view text, const std::string& field, long long min, long long max);
// A finite number in [min, max].
double parse_number(std::string_view text, const std::string& field, double min, double max);
// Valid UTF-8 of at most max_code_points, trimmed.
// Control characters (text::first_control_character) are refused; free_text (a reason, a
// note) may hold line feeds and tabs.
std::string parse_text(std::string_view text, const std::string& field, std::size_t max_code_points, bool free_text = false);

// The box of points within `metres` of a point (a little larger: for an index filter).
BBox box_around(LonLat p, double metres);

// Coordinates as lookups answer them: seven decimals (a centimetre; the R*Tree keeps float32
// boxes, so more would say nothing). null when there is none.
nlohmann::json bbox_json(const std::optional<BBox>& box);
nlohmann::json point_json(const std::optional<LonLat>& point);

// The string just above every string that starts with `prefix`: `>= prefix AND < this` is a
// prefix match that an index can range over.
std::string prefix_upper_bound(std::string_view prefix);

} // namespace diming::lookup
