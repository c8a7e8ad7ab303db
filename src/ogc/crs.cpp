#include "ogc/crs.hpp"

#include "core/proj.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <map>
#include <optional>

namespace diming::ogc {

const std::vector<Crs>& supported_crs() {
    static const std::vector<Crs> all{
        {crs84_uri, "OGC:CRS84", true, false, 7},
        {"http://www.opengis.net/def/crs/EPSG/0/4490", "EPSG:4490", false, true, 7},
        {"http://www.opengis.net/def/crs/EPSG/0/4549", "EPSG:4549", false, true, 3},
    };
    return all;
}

const Crs& crs_by_name(const std::string& text, const char* field) {
    std::string t = text;
    if (t.size() > 2 && t.front() == '[' && t.back() == ']') t = t.substr(1, t.size() - 2); // a safe CURIE
    for (const auto& c : supported_crs()) {
        if (t == c.uri || t == c.code || (c.stored && (t == "CRS84" || t == "http://www.opengis.net/def/crs/OGC/1.3/CRS84h"))) return c;
    }
    std::string list;
    for (const auto& c : supported_crs()) list += (list.empty() ? "" : ", ") + c.uri;
    throw lookup::query_error{field, "not a CRS this server offers (" + list + ")"};
}

struct CrsTransform::Impl {
    std::optional<proj::Transformation> to; // normalised: x = lon/easting, y = lat/northing
};

CrsTransform::CrsTransform(const Crs& crs) : crs_{crs}, impl_{std::make_unique<Impl>()} {
    if (!crs.stored) impl_->to.emplace("EPSG:4490", crs.code);
}

CrsTransform::~CrsTransform() = default;

std::pair<double, double> CrsTransform::forward(double lon, double lat) const {
    if (!impl_->to) return {lon, lat};
    const auto c = impl_->to->forward({lon, lat});
    return crs_.north_first ? std::pair{c.y, c.x} : std::pair{c.x, c.y};
}

lookup::BBox CrsTransform::box_to_lonlat(double a1, double b1, double a2, double b2) const {
    if (!impl_->to) return lookup::BBox{a1, b1, a2, b2};
    // Into x (east), y (north) order, then the box's edges sampled: a projected box's edges
    // are curves in longitude/latitude.
    double x1 = a1, y1 = b1, x2 = a2, y2 = b2;
    if (crs_.north_first) {
        std::swap(x1, y1);
        std::swap(x2, y2);
    }
    lookup::BBox out{1e9, 1e9, -1e9, -1e9};
    constexpr int steps = 20;
    try {
    for (int i = 0; i <= steps; ++i) {
        const double fx = x1 + (x2 - x1) * i / steps, fy = y1 + (y2 - y1) * i / steps;
        for (const auto& [x, y] : {std::pair{fx, y1}, std::pair{fx, y2}, std::pair{x1, fy}, std::pair{x2, fy}}) {
            const auto ll = impl_->to->inverse({x, y});
            out.min_lon = std::min(out.min_lon, ll.x);
            out.max_lon = std::max(out.max_lon, ll.x);
            out.min_lat = std::min(out.min_lat, ll.y);
            out.max_lat = std::max(out.max_lat, ll.y);
        }
    }
    } catch (const library_error&) {
        throw lookup::query_error{"bbox", "lies outside the area where " + crs_.code + " is defined"};
    }
    return out;
}

const CrsTransform& transform_to(const Crs& crs) {
    thread_local std::map<std::string, std::unique_ptr<CrsTransform>> made;
    auto& t = made[crs.uri];
    if (!t) t = std::make_unique<CrsTransform>(crs);
    return *t;
}

} // namespace diming::ogc

namespace diming::ogc {

lookup::BBox parse_bbox_in(const Crs& crs, const std::string& text) {
    if (crs.stored) return lookup::parse_bbox(text, "bbox");
    std::vector<double> v;
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto comma = text.find(',', start);
        const auto part = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        v.push_back(lookup::parse_number(part, "bbox", -1e8, 1e8));
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    if (v.size() != 4) throw lookup::query_error{"bbox", "expected four numbers in the axis order of " + crs.code};
    if (v[0] > v[2] || v[1] > v[3]) throw lookup::query_error{"bbox", "minimum greater than maximum (axis order of " + crs.code + ")"};
    const auto box = transform_to(crs).box_to_lonlat(v[0], v[1], v[2], v[3]);
    if (box.min_lon < -180 || box.max_lon > 180 || box.min_lat < -90 || box.max_lat > 90) {
        throw lookup::query_error{"bbox", "lies outside the earth in " + crs.code + " (axis order: " +
                                              (crs.north_first ? "north, east" : "east, north") + ")"};
    }
    return box;
}

} // namespace diming::ogc
