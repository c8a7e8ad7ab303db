#pragma once
// Where things are in the sample: counties, towns and communities as nested Voronoi cells
// around anchor points. data/sample/counties.csv gives each county an approximate real centre
// and extent; data/sample/towns.csv gives Pinghu's towns their approximate real centres, the
// towns of other counties are placed at random (subdistricts near the county seat); community
// centres are placed at random inside their town. Membership is "nearest anchor" at each level,
// which is exactly the Voronoi cell written to civil.gpkg. One county (Pinghu, the default) is
// laid out exactly as it always was.

#include "crs/consumer_map.hpp"
#include "sample/random.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace diming::gdal {
struct Table;
}

namespace diming::sample {

using crs::LonLat;

struct Extent {
    double min_lon = 120.95, min_lat = 30.60, max_lon = 121.25, max_lat = 30.85;
    bool contains(LonLat p) const noexcept {
        return p.lon >= min_lon && p.lon <= max_lon && p.lat >= min_lat && p.lat <= max_lat;
    }
};

struct Community {
    std::string code;
    std::string name;       // official, e.g. 三北村村民委员会
    std::string short_name; // as in addresses, e.g. 三北村
    bool village = false;
    LonLat anchor;
};

struct County {
    std::string code; // 12 digits, 330482000000
    std::string name; // 平湖市
    std::string province, city; // 浙江省, 嘉兴市
    LonLat anchor;
    double weight = 0; // share of the plates
};

struct Town {
    std::string code;
    std::string name; // 当湖街道
    int county = 0;   // index into Layout::counties()
    bool urban = false;
    double weight = 0;
    LonLat anchor;
    std::vector<Community> communities;
    std::vector<int> villages; // indexes into communities
};

class Layout {
public:
    // Lays out the given counties (6- or 12-digit codes; a city's code stands for all its
    // counties in data/sample/counties.csv), reading data/divisions/<county>.csv for each.
    Layout(const std::filesystem::path& data_dir, const std::vector<std::string>& counties, Random& rng);

    const Extent& extent() const noexcept { return extent_; }
    const std::vector<County>& counties() const noexcept { return counties_; }
    const std::vector<Town>& towns() const noexcept { return towns_; }
    const County& county_of(int town) const noexcept { return counties_[towns_[town].county]; }
    const std::vector<int>& towns_of_county(int county) const noexcept { return towns_of_county_[county]; }
    // The division rows (code, name) of every county laid out, as data/divisions/ has them:
    // what `diming import-divisions` needs before civil.gpkg is imported.
    const std::vector<std::pair<std::string, std::string>>& division_rows() const noexcept { return division_rows_; }

    // -1 outside the extent.
    int county_at(LonLat p) const noexcept;
    int town_at(LonLat p) const noexcept;
    int community_at(int town, LonLat p) const noexcept;
    LonLat random_point_in_town(int town, Random& rng) const;
    LonLat random_point_in_community(int town, int community, Random& rng) const;

    struct Cell {
        std::string code;
        std::string name;
        int level;
        std::string parent_code;
        std::string wkt; // MULTIPOLYGON in EPSG:4490
    };
    // Town and community cells (and county cells when there are several counties), computed
    // with GEOS's Voronoi diagram.
    std::vector<Cell> cells() const;

private:
    Extent extent_;
    std::vector<County> counties_;
    std::vector<std::vector<int>> towns_of_county_;
    std::vector<Town> towns_;
    std::vector<std::pair<std::string, std::string>> division_rows_;

    void read_county(const std::filesystem::path& data_dir, const gdal::Table& anchors, int county, Random& rng);
    LonLat random_point_in_county(int county, Random& rng) const;
};

} // namespace diming::sample
