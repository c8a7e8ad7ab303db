#pragma once
// Where things are in the sample Pinghu: towns and communities as Voronoi cells around
// anchor points (data/sample/towns.csv gives approximate real town centres; community
// centres are placed at random inside their town), inside Pinghu's real extent. Membership
// is "nearest anchor", which is exactly the Voronoi cell written to civil.gpkg.

#include "crs/consumer_map.hpp"
#include "sample/random.hpp"

#include <filesystem>
#include <string>
#include <vector>

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

struct Town {
    std::string code;
    std::string name; // 当湖街道
    bool urban = false;
    double weight = 0;
    LonLat anchor;
    std::vector<Community> communities;
    std::vector<int> villages; // indexes into communities
};

class Layout {
public:
    // Reads data/divisions/330482.csv and data/sample/towns.csv; places community anchors.
    Layout(const std::filesystem::path& data_dir, Random& rng);

    const Extent& extent() const noexcept { return extent_; }
    const std::vector<Town>& towns() const noexcept { return towns_; }
    const std::string& province() const noexcept { return province_; }
    const std::string& city() const noexcept { return city_; }
    const std::string& county() const noexcept { return county_; }

    // -1 outside the extent.
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
    // Town and community cells, computed with GEOS's Voronoi diagram.
    std::vector<Cell> cells() const;

private:
    Extent extent_;
    std::vector<Town> towns_;
    std::string province_, city_, county_;
};

} // namespace diming::sample
