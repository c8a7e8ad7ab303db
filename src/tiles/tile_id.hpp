#pragma once
// Tiles of the EPSG:3857 (web mercator) grid, z/x/y with y from the top, as web maps use.

#include "lookup/query.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace diming::tiles {

constexpr int max_zoom = 22;
// Half the side of the EPSG:3857 square: the projection's extent, not a projection.
constexpr double mercator_half_side = 20037508.342789244;

struct TileId {
    int z = 0;
    std::uint32_t x = 0, y = 0;
    bool operator==(const TileId& o) const noexcept { return z == o.z && x == o.x && y == o.y; }
    std::string str() const { return std::to_string(z) + "/" + std::to_string(x) + "/" + std::to_string(y); }
};

struct Box3857 {
    double min_x, min_y, max_x, max_y;
};

// Throws lookup::query_error for a tile outside the grid.
TileId make_tile(long long z, long long x, long long y);
Box3857 bounds(TileId t);

// The tiles at zoom z that cover a box given in EPSG:3857.
std::vector<TileId> covering(const Box3857& box, int z);

} // namespace diming::tiles
