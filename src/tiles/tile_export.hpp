#pragma once
// A static pyramid of the registry's tiles for offline use: a folder z/x/y.mvt with a
// metadata.json (the layout GDAL's MVT driver and tile servers read), or an MBTiles file
// (tiles gzip-compressed, rows in TMS order, as the MBTiles 1.3 specification asks).

#include <cstdint>
#include <filesystem>
#include <functional>

namespace diming::store {
class Database;
}

namespace diming::tiles {

struct ExportSummary {
    std::int64_t tiles_built = 0;   // non-empty tiles written
    std::int64_t tiles_empty = 0;   // tiles of the extent with nothing in them
    std::int64_t bytes = 0;
};

// Throws input_error for a bad zoom range or an existing output.
ExportSummary export_tiles(store::Database& db, const std::filesystem::path& out, int minzoom, int maxzoom,
                           const std::function<void(int z, std::int64_t done, std::int64_t total)>& progress = {});

// TileJSON 3.0 for a tile URL template.
std::string tilejson(store::Database& db, const std::string& tile_url, int minzoom, int maxzoom);

} // namespace diming::tiles
