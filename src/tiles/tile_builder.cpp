#include "tiles/tile_builder.hpp"

#include "store/database.hpp"
#include "store/spatial_index.hpp"
#include "tiles/mvt.hpp"

#include <geos_c.h>

#include <algorithm>
#include <cmath>

namespace diming::tiles {

namespace {

struct Frame {
    Box3857 box;          // the tile in EPSG:3857
    double scale;         // tile units per metre
    lookup::BBox lonlat;  // the buffered tile in CGCS2000 lon/lat, for the R*Tree
};

struct TransformData {
    const proj::Transformation* to_mercator;
    const Frame* frame;
    bool failed = false;
};

int to_tile_coords(double* x, double* y, void* userdata) {
    auto* d = static_cast<TransformData*>(userdata);
    try {
        const auto m = d->to_mercator->forward({*x, *y});
        *x = (m.x - d->frame->box.min_x) * d->frame->scale;
        *y = (d->frame->box.max_y - m.y) * d->frame->scale;
        return 1;
    } catch (const std::exception&) {
        d->failed = true;
        return 0;
    }
}

class Layers {
public:
    Layers(const geos::Context& geos, const proj::Transformation& tm, const Frame& frame)
        : geos_{geos}, ctx_{geos.get()}, tm_{tm}, frame_{frame}, reader_{GEOSWKBReader_create_r(ctx_)} {}
    ~Layers() { GEOSWKBReader_destroy_r(ctx_, reader_); }
    Layers(const Layers&) = delete;
    Layers& operator=(const Layers&) = delete;

    // A point in lon/lat into tile coordinates, if inside the buffered tile.
    bool point(double lon, double lat, std::int32_t& x, std::int32_t& y) const {
        const auto m = tm_.forward({lon, lat});
        const double tx = (m.x - frame_.box.min_x) * frame_.scale, ty = (frame_.box.max_y - m.y) * frame_.scale;
        const double lo = -static_cast<double>(tile_buffer), hi = tile_extent + static_cast<double>(tile_buffer);
        if (tx < lo || tx > hi || ty < lo || ty > hi) return false;
        x = static_cast<std::int32_t>(std::lround(tx));
        y = static_cast<std::int32_t>(std::lround(ty));
        return true;
    }

    // A WKB geometry in lon/lat, projected, clipped and simplified into the layer.
    void shape(LayerEncoder& layer, std::uint64_t id, const void* wkb, int size, const Properties& props, bool simplify) {
        if (!wkb || size <= 0) return;
        geos::Geometry g = geos::own(geos_, GEOSWKBReader_read_r(ctx_, reader_, static_cast<const unsigned char*>(wkb), static_cast<std::size_t>(size)));
        if (!g) return;
        TransformData data{&tm_, &frame_};
        geos::Geometry t = geos::own(geos_, GEOSGeom_transformXY_r(ctx_, g.get(), to_tile_coords, &data));
        if (!t || data.failed) return;
        const double lo = -static_cast<double>(tile_buffer), hi = tile_extent + static_cast<double>(tile_buffer);
        geos::Geometry clipped = geos::own(geos_, GEOSClipByRect_r(ctx_, t.get(), lo, lo, hi, hi));
        if (!clipped || GEOSisEmpty_r(ctx_, clipped.get())) return;
        if (simplify) {
            // One tile unit: finer detail is invisible at this zoom.
            const int type = GEOSGeomTypeId_r(ctx_, clipped.get());
            GEOSGeometry* s = (type == GEOS_POLYGON || type == GEOS_MULTIPOLYGON) ? GEOSTopologyPreserveSimplify_r(ctx_, clipped.get(), 1.0)
                                                                                  : GEOSSimplify_r(ctx_, clipped.get(), 1.0);
            if (s) clipped = geos::own(geos_, s);
        }
        layer.add_geometry(id, ctx_, clipped.get(), props);
    }

private:
    const geos::Context& geos_;
    GEOSContextHandle_t ctx_;
    const proj::Transformation& tm_;
    const Frame& frame_;
    GEOSWKBReader* reader_;
};

void bind_box(store::Statement& s, const lookup::BBox& b) {
    s.bind(1, b.min_lon).bind(2, b.min_lat).bind(3, b.max_lon).bind(4, b.max_lat);
}

std::string text(const store::Statement& s, int c) { return s.column_text(c); }

} // namespace

const std::vector<LayerRule>& layer_rules() {
    static const std::vector<LayerRule> rules{
        {"divisions", 8, "towns from z8, communities and villages from z12 (where boundaries are loaded)",
         {{"code", "String"}, {"name", "String"}, {"level", "Number"}}},
        {"roads", 10, "roads (路、大道) from z10, every street and lane from z12",
         {{"id", "Number"}, {"name", "String"}, {"pinyin", "String"}, {"category", "String"}, {"status", "String"}}},
        {"place_names", 11, "villages and communities from z11, natural villages, compounds and other named places from z13 (points)",
         {{"id", "Number"}, {"name", "String"}, {"pinyin", "String"}, {"category", "String"}, {"status", "String"}}},
        {"door_plates", 15, "door plates from z15", {{"id", "Number"}, {"number", "String"}, {"road", "String"}, {"status", "String"}}},
        {"match_results", 14, "the latest match run's police records: unmatched or spatially inconsistent ones from z14, all from z15",
         {{"id", "Number"}, {"level", "String"}, {"score", "Number"}, {"consistent", "Number"}, {"distance_m", "Number"}}},
    };
    return rules;
}

TileBuilder::TileBuilder() : to_mercator_{"EPSG:4490", "EPSG:3857"} {}

std::string TileBuilder::build(store::Database& db, TileId tile) {
    Frame frame;
    frame.box = bounds(tile);
    frame.scale = tile_extent / (frame.box.max_x - frame.box.min_x);
    const double pad = tile_buffer / frame.scale;
    const auto sw = to_mercator_.inverse({frame.box.min_x - pad, frame.box.min_y - pad});
    const auto ne = to_mercator_.inverse({frame.box.max_x + pad, frame.box.max_y + pad});
    frame.lonlat = {sw.x, sw.y, ne.x, ne.y};
    const int z = tile.z;

    Layers in{geos_, to_mercator_, frame};
    std::vector<LayerEncoder> layers;
    layers.reserve(5);

    // divisions
    layers.emplace_back("divisions", tile_extent);
    if (z >= 8) {
        auto& s = db.cached(
            "SELECT rowid, code, name, level, AsBinary(geom) FROM divisions WHERE rowid IN "
            "(SELECT pkid FROM idx_divisions_geom WHERE xmax >= ?1 AND xmin <= ?3 AND ymax >= ?2 AND ymin <= ?4) AND level <= ?5");
        bind_box(s, frame.lonlat);
        s.bind(5, z >= 12 ? 5 : 4);
        while (s.step()) {
            in.shape(layers.back(), static_cast<std::uint64_t>(s.column_int(0)), sqlite3_column_blob(s.get(), 4), sqlite3_column_bytes(s.get(), 4),
                     {{"code", text(s, 1)}, {"name", text(s, 2)}, {"level", s.column_int(3)}}, true);
        }
        s.reset();
    }

    // roads (lines) and other place names (points)
    layers.emplace_back("roads", tile_extent);
    layers.emplace_back("place_names", tile_extent);
    if (z >= 10) {
        auto& s = db.cached(
            "SELECT id, name, pinyin, category_code, status, GeometryType(geom) LIKE '%LINESTRING', "
            "CASE WHEN GeometryType(geom) LIKE '%LINESTRING' THEN AsBinary(geom) END, X(ST_PointOnSurface(geom)), Y(ST_PointOnSurface(geom)) "
            "FROM place_names WHERE id IN (SELECT pkid FROM idx_place_names_geom WHERE xmax >= ?1 AND xmin <= ?3 AND ymax >= ?2 AND ymin <= ?4) "
            "AND status IN ('proposed','approved','registered')");
        bind_box(s, frame.lonlat);
        while (s.step()) {
            const std::string category = text(s, 3);
            const Properties props{{"id", s.column_int(0)}, {"name", text(s, 1)}, {"pinyin", text(s, 2)}, {"category", category}, {"status", text(s, 4)}};
            if (s.column_int(5)) {
                if (z >= 12 || category == "D-ROAD") {
                    in.shape(layers[1], static_cast<std::uint64_t>(s.column_int(0)), sqlite3_column_blob(s.get(), 6), sqlite3_column_bytes(s.get(), 6),
                             props, true);
                }
                continue;
            }
            const bool settlement = category == "21610" || category == "21620" || category == "221";
            if (z < 11 || (z < 13 && !settlement) || s.is_null(7)) continue;
            std::int32_t x = 0, y = 0;
            if (in.point(s.column_double(7), s.column_double(8), x, y)) layers[2].add_point(static_cast<std::uint64_t>(s.column_int(0)), x, y, props);
        }
        s.reset();
    }

    // door plates
    layers.emplace_back("door_plates", tile_extent);
    if (z >= 15) {
        auto& s = db.cached(
            "SELECT d.id, X(d.geom), Y(d.geom), d.number, d.suffix, p.name, d.status FROM door_plates d JOIN place_names p ON p.id = d.place_name_id "
            "WHERE d.id IN (SELECT pkid FROM idx_door_plates_geom WHERE xmax >= ?1 AND xmin <= ?3 AND ymax >= ?2 AND ymin <= ?4) "
            // Cancelled (注销) plates stay on the map, drawn apart; a refused application never hung anywhere.
            "AND d.plate_type = 'door' AND (d.status <> 'cancelled' OR d.id IN (SELECT door_plate_id FROM door_plate_cancellations))");
        bind_box(s, frame.lonlat);
        while (s.step()) {
            std::int32_t x = 0, y = 0;
            if (!in.point(s.column_double(1), s.column_double(2), x, y)) continue;
            const std::string suffix = text(s, 4);
            layers.back().add_point(static_cast<std::uint64_t>(s.column_int(0)), x, y,
                                    {{"id", s.column_int(0)}, {"number", std::to_string(s.column_int(3)) + (suffix.empty() ? "" : "-" + suffix)},
                                     {"road", text(s, 5)}, {"status", text(s, 6)}});
        }
        s.reset();
    }

    // match results of the latest run
    layers.emplace_back("match_results", tile_extent);
    if (z >= 14) {
        // z14: only the problems, through their own R*Tree; from z15 every record in view.
        auto& s = db.cached(z >= 15
            ? "SELECT r.police_address_id, X(a.geom), Y(a.geom), r.level, r.score, r.spatially_consistent, r.distance_m "
              "FROM match_results r JOIN source_addresses a ON a.id = r.police_address_id "
              "WHERE r.run_id = (SELECT max(id) FROM match_runs WHERE finished_at IS NOT NULL) "
              "AND r.police_address_id IN (SELECT pkid FROM idx_source_addresses_geom WHERE xmax >= ?1 AND xmin <= ?3 AND ymax >= ?2 AND ymin <= ?4)"
            : "SELECT r.police_address_id, X(a.geom), Y(a.geom), r.level, r.score, r.spatially_consistent, r.distance_m "
              "FROM match_problems p JOIN match_results r ON r.run_id = p.run_id AND r.police_address_id = p.id "
              "JOIN source_addresses a ON a.id = p.id "
              "WHERE p.maxx >= ?1 AND p.minx <= ?3 AND p.maxy >= ?2 AND p.miny <= ?4 "
              "AND p.run_id = (SELECT max(id) FROM match_runs WHERE finished_at IS NOT NULL)");
        bind_box(s, frame.lonlat);
        while (s.step()) {
            std::int32_t x = 0, y = 0;
            if (s.is_null(1) || !in.point(s.column_double(1), s.column_double(2), x, y)) continue;
            Properties props{{"id", s.column_int(0)}, {"level", text(s, 3)}, {"score", s.column_double(4)},
                             {"consistent", s.is_null(5) ? std::int64_t{-1} : s.column_int(5)}};
            if (!s.is_null(6)) props.emplace_back("distance_m", std::round(s.column_double(6) * 10) / 10);
            layers.back().add_point(static_cast<std::uint64_t>(s.column_int(0)), x, y, props);
        }
        s.reset();
    }
    bool any = false;
    for (const auto& l : layers) any = any || !l.empty();
    return any ? encode_tile(layers) : std::string{};
}

std::optional<Box3857> registry_extent(store::Database& db, const proj::Transformation& to_mercator) {
    const auto box = store::indexed_extent(db, {"divisions", "place_names", "door_plates"});
    if (!box) return std::nullopt;
    const auto sw = to_mercator.forward({box->min_x, box->min_y});
    const auto ne = to_mercator.forward({box->max_x, box->max_y});
    return Box3857{sw.x, sw.y, ne.x, ne.y};
}

} // namespace diming::tiles
