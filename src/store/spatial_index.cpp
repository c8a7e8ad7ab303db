#include "store/spatial_index.hpp"

#include "store/database.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace diming::store {

// Node layout (SQLite's rtree.c): 2-byte depth, 2-byte cell count, then per cell an 8-byte
// id and 4 big-endian float32 (minx, maxx, miny, maxy), stored rounded outward. The union of
// the root's cells is the extent of the whole tree.
std::optional<Extent> indexed_extent(Database& db, const std::string& table, const std::string& column) {
    auto& s = db.cached("SELECT data FROM \"idx_" + table + "_" + column + "_node\" WHERE nodeno = 1");
    if (!s.step()) {
        s.reset();
        return std::nullopt;
    }
    const auto* data = static_cast<const unsigned char*>(sqlite3_column_blob(s.get(), 0));
    const int size = sqlite3_column_bytes(s.get(), 0);
    std::optional<Extent> box;
    if (data && size >= 4) {
        const int cells = (data[2] << 8) | data[3];
        auto f32 = [&](int offset) {
            const std::uint32_t bits = (std::uint32_t{data[offset]} << 24) | (std::uint32_t{data[offset + 1]} << 16) |
                                       (std::uint32_t{data[offset + 2]} << 8) | std::uint32_t{data[offset + 3]};
            float f;
            std::memcpy(&f, &bits, sizeof f);
            return static_cast<double>(f);
        };
        for (int i = 0; i < cells && 4 + (i + 1) * 24 <= size; ++i) {
            const int at = 4 + i * 24 + 8;
            const Extent c{f32(at), f32(at + 8), f32(at + 4), f32(at + 12)};
            if (!box) box = c;
            else box = Extent{std::min(box->min_x, c.min_x), std::min(box->min_y, c.min_y), std::max(box->max_x, c.max_x), std::max(box->max_y, c.max_y)};
        }
    }
    s.reset();
    return box;
}

std::optional<Extent> indexed_extent(Database& db, std::initializer_list<const char*> tables) {
    std::optional<Extent> box;
    for (const char* table : tables) {
        const auto e = indexed_extent(db, table);
        if (!e) continue;
        if (!box) box = e;
        else box = Extent{std::min(box->min_x, e->min_x), std::min(box->min_y, e->min_y), std::max(box->max_x, e->max_x), std::max(box->max_y, e->max_y)};
    }
    return box;
}

} // namespace diming::store
