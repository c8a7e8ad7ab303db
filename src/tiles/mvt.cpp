#include "tiles/mvt.hpp"

#include <protozero/pbf_writer.hpp>

#include <algorithm>
#include <cmath>

namespace diming::tiles {

namespace {

constexpr std::uint32_t command(std::uint32_t id, std::uint32_t count) { return (id & 0x7u) | (count << 3); }
constexpr std::uint32_t move_to = 1, line_to = 2, close_path = 7;
constexpr std::uint32_t zigzag(std::int32_t v) { return (static_cast<std::uint32_t>(v) << 1) ^ static_cast<std::uint32_t>(v >> 31); }

using Point = std::pair<std::int32_t, std::int32_t>;

std::vector<Point> rounded(GEOSContextHandle_t ctx, const GEOSCoordSequence* seq) {
    unsigned n = 0;
    GEOSCoordSeq_getSize_r(ctx, seq, &n);
    std::vector<Point> out;
    out.reserve(n);
    for (unsigned i = 0; i < n; ++i) {
        double x = 0, y = 0;
        GEOSCoordSeq_getXY_r(ctx, seq, i, &x, &y);
        const Point p{static_cast<std::int32_t>(std::lround(x)), static_cast<std::int32_t>(std::lround(y))};
        if (out.empty() || out.back() != p) out.push_back(p); // repeated points say nothing
    }
    return out;
}

// Twice the ring's signed area in tile coordinates (y down): positive is clockwise on screen,
// which MVT 2.1 requires of exterior rings.
long long doubled_area(const std::vector<Point>& ring) {
    long long a = 0;
    for (std::size_t i = 0; i + 1 < ring.size(); ++i) {
        a += static_cast<long long>(ring[i].first) * ring[i + 1].second - static_cast<long long>(ring[i + 1].first) * ring[i].second;
    }
    return a;
}

class GeometryWriter {
public:
    void line(const std::vector<Point>& pts) {
        if (pts.size() < 2) return;
        move(pts[0]);
        out_.push_back(command(line_to, static_cast<std::uint32_t>(pts.size() - 1)));
        for (std::size_t i = 1; i < pts.size(); ++i) delta(pts[i]);
    }
    // A closed ring without its repeated last point, oriented as asked.
    bool ring(std::vector<Point> pts, bool exterior) {
        if (pts.size() >= 2 && pts.front() == pts.back()) pts.pop_back();
        if (pts.size() < 3) return false;
        pts.push_back(pts.front());
        const long long area = doubled_area(pts);
        if (area == 0) return false;
        if ((area > 0) != exterior) std::reverse(pts.begin(), pts.end());
        pts.pop_back();
        move(pts[0]);
        out_.push_back(command(line_to, static_cast<std::uint32_t>(pts.size() - 1)));
        for (std::size_t i = 1; i < pts.size(); ++i) delta(pts[i]);
        out_.push_back(command(close_path, 1));
        return true;
    }
    std::vector<std::uint32_t>& commands() { return out_; }

private:
    std::vector<std::uint32_t> out_;
    Point cursor_{0, 0};
    void move(Point p) {
        out_.push_back(command(move_to, 1));
        delta(p);
    }
    void delta(Point p) {
        out_.push_back(zigzag(p.first - cursor_.first));
        out_.push_back(zigzag(p.second - cursor_.second));
        cursor_ = p;
    }
};

} // namespace

LayerEncoder::LayerEncoder(std::string name, std::uint32_t extent) : name_{std::move(name)}, extent_{extent} {}

std::vector<std::uint32_t> LayerEncoder::tags(const Properties& properties) {
    std::vector<std::uint32_t> out;
    out.reserve(properties.size() * 2);
    for (const auto& [k, v] : properties) {
        auto [ki, knew] = keys_.try_emplace(k, static_cast<std::uint32_t>(key_list_.size()));
        if (knew) key_list_.push_back(k);
        auto [vi, vnew] = values_.try_emplace(v, static_cast<std::uint32_t>(value_list_.size()));
        if (vnew) value_list_.push_back(v);
        out.push_back(ki->second);
        out.push_back(vi->second);
    }
    return out;
}

void LayerEncoder::add_feature(std::uint64_t id, GeomType type, const std::vector<std::uint32_t>& geometry, const Properties& properties) {
    const auto t = tags(properties);
    std::string data;
    protozero::pbf_writer f{data};
    f.add_uint64(1, id);
    f.add_packed_uint32(2, t.begin(), t.end());
    f.add_enum(3, static_cast<std::int32_t>(type));
    f.add_packed_uint32(4, geometry.begin(), geometry.end());
    features_.push_back(std::move(data));
}

void LayerEncoder::add_point(std::uint64_t id, std::int32_t x, std::int32_t y, const Properties& properties) {
    add_feature(id, GeomType::point, {command(move_to, 1), zigzag(x), zigzag(y)}, properties);
}

bool LayerEncoder::add_geometry(std::uint64_t id, GEOSContextHandle_t ctx, const GEOSGeometry* g, const Properties& properties) {
    if (!g || GEOSisEmpty_r(ctx, g)) return false;
    const int parts = GEOSGetNumGeometries_r(ctx, g);
    const int type = GEOSGeomTypeId_r(ctx, g);
    GeometryWriter w;
    GeomType kind;
    if (type == GEOS_POINT || type == GEOS_MULTIPOINT) {
        kind = GeomType::point;
        std::vector<Point> pts;
        for (int i = 0; i < parts; ++i) {
            const auto r = rounded(ctx, GEOSGeom_getCoordSeq_r(ctx, GEOSGetGeometryN_r(ctx, g, i)));
            if (!r.empty()) pts.push_back(r.front());
        }
        if (pts.empty()) return false;
        auto& c = w.commands();
        c.push_back(command(move_to, static_cast<std::uint32_t>(pts.size())));
        Point cursor{0, 0};
        for (const auto& p : pts) {
            c.push_back(zigzag(p.first - cursor.first));
            c.push_back(zigzag(p.second - cursor.second));
            cursor = p;
        }
    } else if (type == GEOS_LINESTRING || type == GEOS_MULTILINESTRING) {
        kind = GeomType::linestring;
        for (int i = 0; i < parts; ++i) w.line(rounded(ctx, GEOSGeom_getCoordSeq_r(ctx, GEOSGetGeometryN_r(ctx, g, i))));
    } else if (type == GEOS_POLYGON || type == GEOS_MULTIPOLYGON) {
        kind = GeomType::polygon;
        for (int i = 0; i < parts; ++i) {
            const GEOSGeometry* poly = GEOSGetGeometryN_r(ctx, g, i);
            if (!w.ring(rounded(ctx, GEOSGeom_getCoordSeq_r(ctx, GEOSGetExteriorRing_r(ctx, poly))), true)) continue;
            for (int h = 0; h < GEOSGetNumInteriorRings_r(ctx, poly); ++h) {
                w.ring(rounded(ctx, GEOSGeom_getCoordSeq_r(ctx, GEOSGetInteriorRingN_r(ctx, poly, h))), false);
            }
        }
    } else if (type == GEOS_GEOMETRYCOLLECTION) {
        // Clipping can leave mixed pieces: keep those of the collection's leading type.
        bool any = false;
        for (int i = 0; i < parts; ++i) any = add_geometry(id, ctx, GEOSGetGeometryN_r(ctx, g, i), properties) || any;
        return any;
    } else {
        return false;
    }
    if (w.commands().empty()) return false;
    add_feature(id, kind, w.commands(), properties);
    return true;
}

std::string LayerEncoder::finish() const {
    std::string data;
    protozero::pbf_writer layer{data};
    layer.add_uint32(15, 2);
    layer.add_string(1, name_);
    for (const auto& f : features_) layer.add_message(2, f);
    for (const auto& k : key_list_) layer.add_string(3, k);
    for (const auto& v : value_list_) {
        protozero::pbf_writer value{layer, 4};
        if (const auto* s = std::get_if<std::string>(&v)) value.add_string(1, *s);
        else if (const auto* d = std::get_if<double>(&v)) value.add_double(3, *d);
        else if (const auto* i = std::get_if<std::int64_t>(&v)) value.add_sint64(6, *i);
        else value.add_bool(7, std::get<bool>(v));
    }
    layer.add_uint32(5, extent_);
    return data;
}

std::string encode_tile(const std::vector<LayerEncoder>& layers) {
    std::string data;
    protozero::pbf_writer tile{data};
    for (const auto& l : layers) {
        if (!l.empty()) tile.add_message(3, l.finish());
    }
    return data;
}

} // namespace diming::tiles
