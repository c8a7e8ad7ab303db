#include "lookup/query.hpp"

#include "core/text.hpp"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>
#include <vector>

namespace diming::lookup {

namespace {

std::vector<std::string_view> split_commas(std::string_view s) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (true) {
        const auto comma = s.find(',', start);
        parts.push_back(s.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return parts;
}

double to_double(std::string_view s, const std::string& field) {
    double v = 0;
    const auto* end = s.data() + s.size();
    const auto [ptr, ec] = std::from_chars(s.data(), end, v);
    if (s.empty() || ec != std::errc{} || ptr != end || !std::isfinite(v)) {
        throw query_error{field, "'" + std::string{s.substr(0, 40)} + "' is not a number"};
    }
    return v;
}

// A bound as a person writes it: 300, 0.5, -180 (not 300.000000).
std::string shown(double v) {
    char buf[32];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    return ec == std::errc{} ? std::string{buf, end} : std::to_string(v);
}

} // namespace

double parse_number(std::string_view text, const std::string& field, double min, double max) {
    const double v = to_double(text, field);
    if (v < min || v > max) {
        throw query_error{field, "must be between " + shown(min) + " and " + shown(max)};
    }
    return v;
}

long long parse_integer(std::string_view text, const std::string& field, long long min, long long max) {
    long long v = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, v);
    if (text.empty() || ec != std::errc{} || ptr != end) {
        throw query_error{field, "'" + std::string{text.substr(0, 40)} + "' is not a whole number"};
    }
    if (v < min || v > max) {
        throw query_error{field, "must be between " + std::to_string(min) + " and " + std::to_string(max)};
    }
    return v;
}

LonLat parse_lon_lat(std::string_view text, const std::string& field) {
    const auto parts = split_commas(text);
    if (parts.size() != 2) throw query_error{field, "expected lon,lat (two numbers separated by a comma)"};
    return {parse_number(parts[0], field, -180, 180), parse_number(parts[1], field, -90, 90)};
}

BBox parse_bbox(std::string_view text, const std::string& field) {
    const auto parts = split_commas(text);
    if (parts.size() != 4) throw query_error{field, "expected minlon,minlat,maxlon,maxlat (four numbers)"};
    BBox b{parse_number(parts[0], field, -180, 180), parse_number(parts[1], field, -90, 90),
           parse_number(parts[2], field, -180, 180), parse_number(parts[3], field, -90, 90)};
    if (b.min_lon > b.max_lon || b.min_lat > b.max_lat) {
        throw query_error{field, "minimum greater than maximum (order is minlon,minlat,maxlon,maxlat)"};
    }
    return b;
}

std::string parse_text(std::string_view text, const std::string& field, std::size_t max_code_points, bool free_text) {
    if (const auto bad = text::first_invalid_utf8(text)) {
        throw query_error{field, "not valid UTF-8 (byte " + std::to_string(*bad) + ")"};
    }
    std::string t = text::trim(text);
    if (const auto c = text::first_control_character(t, free_text)) {
        throw query_error{field, "has a control character (" + text::code_point_name(*c) + "); write it without"};
    }
    if (text::code_points(t) > max_code_points) {
        throw query_error{field, "longer than " + std::to_string(max_code_points) + " characters"};
    }
    return t;
}

BBox box_around(LonLat p, double metres) {
    // Metres per degree on the CGCS2000 ellipsoid, rounded down so that the box is never too small.
    constexpr double metres_per_degree_lat = 110'500;
    const double dlat = metres / metres_per_degree_lat;
    const double coslat = std::max(0.01, std::cos((std::abs(p.lat) + dlat) * M_PI / 180.0));
    const double dlon = metres / (111'000 * coslat);
    return {p.lon - dlon, p.lat - dlat, p.lon + dlon, p.lat + dlat};
}

namespace {
double seven_decimals(double v) { return std::round(v * 1e7) / 1e7; }
} // namespace

nlohmann::json bbox_json(const std::optional<BBox>& b) {
    if (!b) return nullptr;
    return {seven_decimals(b->min_lon), seven_decimals(b->min_lat), seven_decimals(b->max_lon), seven_decimals(b->max_lat)};
}

nlohmann::json point_json(const std::optional<LonLat>& p) {
    if (!p) return nullptr;
    return {seven_decimals(p->lon), seven_decimals(p->lat)};
}

std::string prefix_upper_bound(std::string_view prefix) {
    return std::string{prefix} + "\xF4\x8F\xBF\xBF"; // U+10FFFF, above any character
}

} // namespace diming::lookup
