#include "tiles/tile_id.hpp"

#include <algorithm>
#include <cmath>

namespace diming::tiles {

TileId make_tile(long long z, long long x, long long y) {
    if (z < 0 || z > max_zoom) throw lookup::query_error{"z", "zoom is between 0 and " + std::to_string(max_zoom)};
    const long long n = 1LL << z;
    if (x < 0 || x >= n || y < 0 || y >= n) throw lookup::query_error{"x", "no tile " + std::to_string(x) + "/" + std::to_string(y) + " at zoom " + std::to_string(z)};
    return {static_cast<int>(z), static_cast<std::uint32_t>(x), static_cast<std::uint32_t>(y)};
}

Box3857 bounds(TileId t) {
    const double side = 2 * mercator_half_side / static_cast<double>(1LL << t.z);
    const double min_x = -mercator_half_side + t.x * side;
    const double max_y = mercator_half_side - t.y * side;
    return {min_x, max_y - side, min_x + side, max_y};
}

std::vector<TileId> covering(const Box3857& box, int z) {
    const long long n = 1LL << z;
    const double side = 2 * mercator_half_side / static_cast<double>(n);
    auto col = [&](double x) { return std::clamp<long long>(static_cast<long long>(std::floor((x + mercator_half_side) / side)), 0, n - 1); };
    auto row = [&](double y) { return std::clamp<long long>(static_cast<long long>(std::floor((mercator_half_side - y) / side)), 0, n - 1); };
    std::vector<TileId> out;
    for (long long x = col(box.min_x); x <= col(box.max_x); ++x) {
        for (long long y = row(box.max_y); y <= row(box.min_y); ++y) out.push_back({z, static_cast<std::uint32_t>(x), static_cast<std::uint32_t>(y)});
    }
    return out;
}

} // namespace diming::tiles
