#include "sample/layout.hpp"

#include "core/error.hpp"
#include "core/gdal.hpp"
#include "core/geos.hpp"
#include "division/division_code.hpp"

#include <cmath>
#include <limits>
#include <sstream>

namespace diming::sample {

namespace {

double dist2(LonLat a, LonLat b) {
    const double dx = a.lon - b.lon, dy = a.lat - b.lat;
    return dx * dx + dy * dy;
}

std::string point_list_wkt(const std::vector<LonLat>& pts) {
    std::ostringstream s;
    s.precision(10);
    s << "MULTIPOINT(";
    for (std::size_t i = 0; i < pts.size(); ++i) s << (i ? "," : "") << "(" << pts[i].lon << " " << pts[i].lat << ")";
    s << ")";
    return s.str();
}

// Cells are convex (a Voronoi cell clipped by a convex cell), so the clip is one polygon.
geos::Geometry as_multipolygon(const geos::Context& ctx, const GEOSGeometry* g) {
    if (GEOSGeomTypeId_r(ctx.get(), g) == GEOS_MULTIPOLYGON) return geos::own(ctx, GEOSGeom_clone_r(ctx.get(), g));
    if (GEOSGeomTypeId_r(ctx.get(), g) != GEOS_POLYGON) throw library_error{"sample layout: a cell is not a polygon"};
    GEOSGeometry* parts[1] = {GEOSGeom_clone_r(ctx.get(), g)};
    return geos::own(ctx, GEOSGeom_createCollection_r(ctx.get(), GEOS_MULTIPOLYGON, parts, 1));
}

// Voronoi cells of `sites`, each clipped to `clip`, returned in the order of `sites`.
std::vector<std::string> voronoi_cells(const geos::Context& ctx, const std::vector<LonLat>& sites,
                                       const GEOSGeometry* clip) {
    if (sites.size() == 1) {
        return {geos::to_wkt(ctx, as_multipolygon(ctx, clip).get(), 9)};
    }
    auto points = geos::from_wkt(ctx, point_list_wkt(sites));
    auto diagram = geos::own(ctx, GEOSVoronoiDiagram_r(ctx.get(), points.get(), clip, 0.0, 0));
    if (!diagram) throw library_error{"GEOS cannot build the Voronoi diagram: " + ctx.last_error()};
    std::vector<std::string> out(sites.size());
    const int n = GEOSGetNumGeometries_r(ctx.get(), diagram.get());
    for (int i = 0; i < n; ++i) {
        const GEOSGeometry* cell = GEOSGetGeometryN_r(ctx.get(), diagram.get(), i);
        auto clipped = geos::own(ctx, GEOSIntersection_r(ctx.get(), cell, clip));
        if (!clipped || GEOSisEmpty_r(ctx.get(), clipped.get())) continue;
        for (std::size_t s = 0; s < sites.size(); ++s) {
            auto pt = geos::from_wkt(ctx, "POINT(" + std::to_string(sites[s].lon) + " " + std::to_string(sites[s].lat) + ")");
            if (GEOSIntersects_r(ctx.get(), cell, pt.get()) == 1 && out[s].empty()) {
                out[s] = geos::to_wkt(ctx, as_multipolygon(ctx, clipped.get()).get(), 9);
                break;
            }
        }
    }
    return out;
}

} // namespace

Layout::Layout(const std::filesystem::path& data_dir, Random& rng) {
    const auto divisions = gdal::read_csv_table(data_dir / "divisions" / "330482.csv", {"code", "name"});
    const auto anchors = gdal::read_csv_table(data_dir / "sample" / "towns.csv",
                                              {"code", "center_lon", "center_lat", "urban", "weight"});
    const auto code_col = divisions.column("code"), name_col = divisions.column("name");
    for (const auto& a : anchors.rows) {
        Town t;
        t.code = a[anchors.column("code")];
        t.anchor = {std::stod(a[anchors.column("center_lon")]), std::stod(a[anchors.column("center_lat")])};
        t.urban = a[anchors.column("urban")] == "1";
        t.weight = std::stod(a[anchors.column("weight")]);
        towns_.push_back(std::move(t));
    }
    for (const auto& row : divisions.rows) {
        const auto code = division::DivisionCode::parse(row[code_col]);
        const std::string& name = row[name_col];
        switch (code.level()) {
        case division::Level::province: province_ = name; break;
        case division::Level::city: city_ = name; break;
        case division::Level::county: county_ = name; break;
        case division::Level::town:
            for (auto& t : towns_) if (t.code == code.str()) t.name = name;
            break;
        case division::Level::community:
            for (auto& t : towns_) {
                if (t.code == code.parent()->str()) {
                    Community c{code.str(), name, division::short_name(name), division::kind_of(code, name) == "village", {}};
                    if (c.village) t.villages.push_back(static_cast<int>(t.communities.size()));
                    t.communities.push_back(std::move(c));
                }
            }
            break;
        }
    }
    for (const auto& t : towns_) {
        if (t.name.empty() || t.communities.empty()) {
            throw input_error{"data/sample/towns.csv: town " + t.code + " has no name or no communities in data/divisions/330482.csv"};
        }
    }
    // Community anchors at random inside their town.
    for (int ti = 0; ti < static_cast<int>(towns_.size()); ++ti) {
        for (auto& c : towns_[ti].communities) c.anchor = random_point_in_town(ti, rng);
    }
}

int Layout::town_at(LonLat p) const noexcept {
    if (!extent_.contains(p)) return -1;
    int best = -1;
    double best_d = std::numeric_limits<double>::max();
    for (int i = 0; i < static_cast<int>(towns_.size()); ++i) {
        const double d = dist2(p, towns_[i].anchor);
        if (d < best_d) { best_d = d; best = i; }
    }
    return best;
}

int Layout::community_at(int town, LonLat p) const noexcept {
    const auto& cs = towns_[town].communities;
    int best = 0;
    double best_d = std::numeric_limits<double>::max();
    for (int i = 0; i < static_cast<int>(cs.size()); ++i) {
        const double d = dist2(p, cs[i].anchor);
        if (d < best_d) { best_d = d; best = i; }
    }
    return best;
}

LonLat Layout::random_point_in_town(int town, Random& rng) const {
    for (int tries = 0; tries < 100000; ++tries) {
        LonLat p{rng.uniform(extent_.min_lon, extent_.max_lon), rng.uniform(extent_.min_lat, extent_.max_lat)};
        if (town_at(p) == town) return p;
    }
    throw error{"sample layout: town " + towns_[town].code + " has no area"};
}

LonLat Layout::random_point_in_community(int town, int community, Random& rng) const {
    for (int tries = 0; tries < 100000; ++tries) {
        const LonLat p = random_point_in_town(town, rng);
        if (community_at(town, p) == community) return p;
    }
    throw error{"sample layout: community " + towns_[town].communities[community].code + " has no area"};
}

std::vector<Layout::Cell> Layout::cells() const {
    geos::Context ctx;
    std::ostringstream box;
    box.precision(10);
    box << "POLYGON((" << extent_.min_lon << " " << extent_.min_lat << "," << extent_.max_lon << " " << extent_.min_lat << ","
        << extent_.max_lon << " " << extent_.max_lat << "," << extent_.min_lon << " " << extent_.max_lat << ","
        << extent_.min_lon << " " << extent_.min_lat << "))";
    auto bbox = geos::from_wkt(ctx, box.str());
    std::vector<LonLat> town_sites;
    for (const auto& t : towns_) town_sites.push_back(t.anchor);
    const auto town_cells = voronoi_cells(ctx, town_sites, bbox.get());
    std::vector<Cell> out;
    for (std::size_t i = 0; i < towns_.size(); ++i) {
        const auto& t = towns_[i];
        out.push_back({t.code, t.name, 4, t.code.substr(0, 6) + "000000", town_cells[i]});
        auto town_geom = geos::from_wkt(ctx, town_cells[i]);
        std::vector<LonLat> sites;
        for (const auto& c : t.communities) sites.push_back(c.anchor);
        const auto community_cells = voronoi_cells(ctx, sites, town_geom.get());
        for (std::size_t c = 0; c < t.communities.size(); ++c) {
            out.push_back({t.communities[c].code, t.communities[c].name, 5, t.code, community_cells[c]});
        }
    }
    return out;
}

} // namespace diming::sample
