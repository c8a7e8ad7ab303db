#pragma once
// Building one vector tile from the registry: features chosen through each table's R*Tree,
// projected to EPSG:3857 with PROJ, clipped to the tile plus a buffer and simplified with
// GEOS, encoded as MVT. What appears depends on the zoom (see layer_rules()).

#include "tiles/tile_id.hpp"

#include "core/geos.hpp"
#include "core/proj.hpp"

#include <optional>
#include <string>
#include <vector>

namespace diming::store {
class Database;
}

namespace diming::tiles {

constexpr std::uint32_t tile_extent = 4096;
constexpr std::uint32_t tile_buffer = 64;

// The layers and from which zoom each shows what, for TileJSON and the documentation.
struct LayerRule {
    const char* layer;
    int minzoom;
    const char* description;
    std::vector<std::pair<const char*, const char*>> fields; // name, type
};
const std::vector<LayerRule>& layer_rules();

// One per thread: it owns a PROJ transformation and a GEOS context.
class TileBuilder {
public:
    TileBuilder();
    // The encoded tile; empty when no layer has a feature in it.
    std::string build(store::Database& db, TileId tile);

private:
    proj::Transformation to_mercator_;
    geos::Context geos_;
};

// The registry's extent in EPSG:3857 (divisions, place names, door plates), for exports and TileJSON.
std::optional<Box3857> registry_extent(store::Database& db, const proj::Transformation& to_mercator);

} // namespace diming::tiles
