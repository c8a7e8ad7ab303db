#include "sample/layout.hpp"

#include "core/error.hpp"
#include "core/gdal.hpp"
#include "core/geos.hpp"
#include "division/division_code.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <ranges>
#include <sstream>

namespace diming::sample {

namespace {

double dist2(LonLat a, LonLat b) {
    const double dx = a.lon - b.lon, dy = a.lat - b.lat;
    return dx * dx + dy * dy;
}

// Of `candidates`, the one whose anchor is nearest p (the first of equals); -1 for none.
// Membership at every level of the layout is this: the Voronoi cell of the anchors.
template <class Candidates, class AnchorOf>
int nearest(LonLat p, const Candidates& candidates, AnchorOf anchor_of) {
    int best = -1;
    double best_d = std::numeric_limits<double>::max();
    for (int i : candidates) {
        const double d = dist2(p, anchor_of(i));
        if (d < best_d) { best_d = d; best = i; }
    }
    return best;
}

// A point drawn uniformly in the extent until `inside` takes it.
template <class Inside>
LonLat random_point(const Extent& e, Random& rng, Inside inside, const char* kind, const std::string& code) {
    for (int tries = 0; tries < 100000; ++tries) {
        const LonLat p{rng.uniform(e.min_lon, e.max_lon), rng.uniform(e.min_lat, e.max_lat)};
        if (inside(p)) return p;
    }
    throw error{std::string{"sample layout: "} + kind + " " + code + " has no area"};
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

namespace {

// "330400" or "330400000000" -> every county of counties.csv under that city (or province);
// "330482" -> that county. Order kept, repeats dropped.
std::vector<std::string> expand_counties(const std::vector<std::string>& requested, const gdal::Table& known) {
    const auto code_col = known.column("code");
    std::vector<std::string> out;
    auto add = [&](const std::string& c) {
        if (std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
    };
    for (std::string r : requested) {
        if (r.size() == 12 && r.substr(6) == "000000") r = r.substr(0, 6);
        if (r.size() != 6 || r.find_first_not_of("0123456789") != std::string::npos) {
            throw input_error{"--counties: '" + r + "' is not a 6- or 12-digit division code (e.g. 330482 or 330400)"};
        }
        std::string prefix = r;
        while (prefix.size() > 2 && prefix.ends_with("00")) prefix.resize(prefix.size() - 2);
        bool any = false;
        for (const auto& row : known.rows) {
            if (row[code_col].starts_with(prefix)) { add(row[code_col]); any = true; }
        }
        if (!any) {
            std::string have;
            for (const auto& row : known.rows) have += (have.empty() ? "" : ", ") + row[code_col];
            throw input_error{"--counties: data/sample/counties.csv lays out no county under " + r + " (it has " + have + ")"};
        }
    }
    return out;
}

} // namespace

Layout::Layout(const std::filesystem::path& data_dir, const std::vector<std::string>& counties, Random& rng) {
    const auto known = gdal::read_csv_table(data_dir / "sample" / "counties.csv",
                                            {"code", "center_lon", "center_lat", "min_lon", "min_lat", "max_lon", "max_lat", "weight"});
    const auto codes = expand_counties(counties, known);
    bool first = true;
    for (const auto& code : codes) {
        for (const auto& row : known.rows) {
            if (row[known.column("code")] != code) continue;
            const auto num = [&](const char* col) { return std::stod(row[known.column(col)]); };
            County c;
            c.code = code + "000000";
            c.anchor = {num("center_lon"), num("center_lat")};
            c.weight = num("weight");
            const Extent box{num("min_lon"), num("min_lat"), num("max_lon"), num("max_lat")};
            if (first) extent_ = box;
            extent_ = {std::min(extent_.min_lon, box.min_lon), std::min(extent_.min_lat, box.min_lat),
                       std::max(extent_.max_lon, box.max_lon), std::max(extent_.max_lat, box.max_lat)};
            first = false;
            counties_.push_back(std::move(c));
        }
    }
    towns_of_county_.resize(counties_.size());
    const auto anchors = gdal::read_csv_table(data_dir / "sample" / "towns.csv", {"code", "center_lon", "center_lat", "urban", "weight"});
    for (int c = 0; c < static_cast<int>(counties_.size()); ++c) read_county(data_dir, anchors, c, rng);
    if (counties_.size() > 1) {
        // Each county's towns share its weight in proportion to their own.
        double county_total = 0;
        for (const auto& c : counties_) county_total += c.weight;
        for (int c = 0; c < static_cast<int>(counties_.size()); ++c) {
            double town_total = 0;
            for (int t : towns_of_county_[c]) town_total += towns_[t].weight;
            for (int t : towns_of_county_[c]) towns_[t].weight *= counties_[c].weight / county_total / town_total;
        }
    }
    // Community anchors at random inside their town.
    for (int ti = 0; ti < static_cast<int>(towns_.size()); ++ti) {
        for (auto& c : towns_[ti].communities) c.anchor = random_point_in_town(ti, rng);
    }
}

void Layout::read_county(const std::filesystem::path& data_dir, const gdal::Table& anchors, int county, Random& rng) {
    County& k = counties_[county];
    const auto file = data_dir / "divisions" / (k.code.substr(0, 6) + ".csv");
    const auto divisions = gdal::read_csv_table(file, {"code", "name"});
    const auto code_col = divisions.column("code"), name_col = divisions.column("name");
    const std::size_t first_town = towns_.size();
    // Towns with a known centre (towns.csv), in its order.
    for (const auto& a : anchors.rows) {
        if (!a[anchors.column("code")].starts_with(k.code.substr(0, 6))) continue;
        Town t;
        t.code = a[anchors.column("code")];
        t.county = county;
        t.anchor = {std::stod(a[anchors.column("center_lon")]), std::stod(a[anchors.column("center_lat")])};
        t.urban = a[anchors.column("urban")] == "1";
        t.weight = std::stod(a[anchors.column("weight")]);
        towns_.push_back(std::move(t));
    }
    const bool placed = towns_.size() > first_town;
    const auto town_index = [&](const std::string& code) -> Town* {
        for (std::size_t i = first_town; i < towns_.size(); ++i) if (towns_[i].code == code) return &towns_[i];
        return nullptr;
    };
    for (const auto& row : divisions.rows) {
        const auto code = division::DivisionCode::parse(row[code_col]);
        const std::string& name = row[name_col];
        division_rows_.emplace_back(code.str(), name);
        switch (code.level()) {
        case division::Level::province: k.province = name; break;
        case division::Level::city: k.city = name; break;
        case division::Level::county: k.name = name; break;
        case division::Level::town:
            if (Town* t = town_index(code.str())) t->name = name;
            else if (!placed) {
                // No known centre: the town is placed below, a subdistrict (街道) weighs more.
                Town town;
                town.code = code.str();
                town.name = name;
                town.county = county;
                town.urban = name.ends_with("街道");
                town.weight = town.urban ? 2.0 : 1.0;
                towns_.push_back(std::move(town));
            }
            break;
        case division::Level::community:
            if (Town* t = town_index(code.parent()->str())) {
                Community c{code.str(), name, division::short_name(name), division::kind_of(code, name) == "village", {}};
                if (c.village) t->villages.push_back(static_cast<int>(t->communities.size()));
                t->communities.push_back(std::move(c));
            }
            break;
        }
    }
    for (std::size_t i = first_town; i < towns_.size(); ++i) {
        const auto& t = towns_[i];
        if (t.name.empty() || t.communities.empty()) {
            throw input_error{"data/sample/towns.csv: town " + t.code + " has no name or no communities in " + file.string()};
        }
        towns_of_county_[county].push_back(static_cast<int>(i));
    }
    if (k.name.empty()) throw input_error{file.string() + ": no row for county " + k.code};
    if (placed) {
        if (counties_.size() > 1) {
            for (std::size_t i = first_town; i < towns_.size(); ++i) {
                if (county_at(towns_[i].anchor) != county) {
                    throw input_error{"data/sample/towns.csv: the centre of town " + towns_[i].code +
                                      " lies nearer another county's centre (data/sample/counties.csv)"};
                }
            }
        }
        return;
    }
    // Subdistricts round the county seat, towns spread over the county, none on top of another.
    const double seat_radius = 0.04, apart = 0.03;
    for (std::size_t i = first_town; i < towns_.size(); ++i) {
        LonLat p{};
        for (int tries = 0; tries < 1000; ++tries) {
            if (towns_[i].urban) {
                p = {k.anchor.lon + rng.uniform(-seat_radius, seat_radius), k.anchor.lat + rng.uniform(-seat_radius, seat_radius)};
                if (county_at(p) != county) continue;
            } else {
                p = random_point_in_county(county, rng);
            }
            bool clear = true;
            for (std::size_t j = first_town; j < i && clear; ++j) {
                clear = dist2(p, towns_[j].anchor) >= (towns_[i].urban && towns_[j].urban ? apart * apart / 4 : apart * apart);
            }
            if (clear) break;
        }
        towns_[i].anchor = p;
    }
}

int Layout::county_at(LonLat p) const noexcept {
    if (!extent_.contains(p)) return -1;
    return nearest(p, std::views::iota(0, static_cast<int>(counties_.size())), [&](int i) { return counties_[i].anchor; });
}

int Layout::town_at(LonLat p) const noexcept {
    const int county = county_at(p);
    if (county < 0) return -1;
    return nearest(p, towns_of_county_[county], [&](int i) { return towns_[i].anchor; });
}

int Layout::community_at(int town, LonLat p) const noexcept {
    const auto& cs = towns_[town].communities;
    return nearest(p, std::views::iota(0, static_cast<int>(cs.size())), [&](int i) { return cs[i].anchor; });
}

LonLat Layout::random_point_in_town(int town, Random& rng) const {
    return random_point(extent_, rng, [&](LonLat p) { return town_at(p) == town; }, "town", towns_[town].code);
}

LonLat Layout::random_point_in_county(int county, Random& rng) const {
    return random_point(extent_, rng, [&](LonLat p) { return county_at(p) == county; }, "county", counties_[county].code);
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
    std::vector<LonLat> county_sites;
    for (const auto& c : counties_) county_sites.push_back(c.anchor);
    const auto county_cells = voronoi_cells(ctx, county_sites, bbox.get());
    std::vector<Cell> out;
    for (std::size_t k = 0; k < counties_.size(); ++k) {
        // One county's cell is the whole extent, which the registry knows from its towns.
        if (counties_.size() > 1) out.push_back({counties_[k].code, counties_[k].name, 3, counties_[k].code.substr(0, 4) + "00000000", county_cells[k]});
        auto county_geom = geos::from_wkt(ctx, county_cells[k]);
        std::vector<LonLat> town_sites;
        for (int t : towns_of_county_[k]) town_sites.push_back(towns_[t].anchor);
        const auto town_cells = voronoi_cells(ctx, town_sites, county_geom.get());
        for (std::size_t i = 0; i < town_sites.size(); ++i) {
            const auto& t = towns_[towns_of_county_[k][i]];
            out.push_back({t.code, t.name, 4, t.code.substr(0, 6) + "000000", town_cells[i]});
            auto town_geom = geos::from_wkt(ctx, town_cells[i]);
            std::vector<LonLat> sites;
            for (const auto& c : t.communities) sites.push_back(c.anchor);
            const auto community_cells = voronoi_cells(ctx, sites, town_geom.get());
            for (std::size_t c = 0; c < t.communities.size(); ++c) {
                out.push_back({t.communities[c].code, t.communities[c].name, 5, t.code, community_cells[c]});
            }
        }
    }
    return out;
}

} // namespace diming::sample
