#include "store/spatial_index.hpp"

#include "store/database.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace diming::store {

namespace {

// Where the running ids_in_box collects: the callback runs inside sqlite3_step on the
// calling thread, and each connection is used by one thread at a time.
thread_local std::vector<std::int64_t>* collected_ids = nullptr;

// aParam: the query box (min_x, min_y, max_x, max_y); aCoord: the node's or entry's box
// (min_x, max_x, min_y, max_y). Nodes that meet the box are searched; an entry that meets
// it is collected and then declined, so that nothing comes back as a row.
int collect_ids_in_box(sqlite3_rtree_query_info* q) {
    if (q->nParam != 4 || q->nCoord != 4) return SQLITE_ERROR;
    const auto* b = q->aParam;
    const auto* c = q->aCoord;
    const bool meets = c[1] >= b[0] && c[0] <= b[2] && c[3] >= b[1] && c[2] <= b[3];
    if (meets && q->iLevel == 0 && collected_ids) collected_ids->push_back(q->iRowid);
    q->eWithin = meets && q->iLevel > 0 ? PARTLY_WITHIN : NOT_WITHIN;
    return SQLITE_OK;
}

} // namespace

void register_spatial_callbacks(sqlite3* db) {
    if (sqlite3_rtree_query_callback(db, "diming_ids_in_box", collect_ids_in_box, nullptr, nullptr) != SQLITE_OK) {
        throw database_error{std::string{"cannot register the R*Tree box query: "} + sqlite3_errmsg(db)};
    }
}

std::vector<std::int64_t> ids_in_box(Database& db, const std::string& rtree, const Extent& box) {
    std::vector<std::int64_t> ids;
    struct Collecting {
        explicit Collecting(std::vector<std::int64_t>& ids) { collected_ids = &ids; }
        ~Collecting() { collected_ids = nullptr; }
    } collecting{ids};
    auto& s = db.cached("SELECT pkid FROM \"" + rtree + "\" WHERE pkid MATCH diming_ids_in_box(?1, ?2, ?3, ?4)");
    s.bind(1, box.min_x).bind(2, box.min_y).bind(3, box.max_x).bind(4, box.max_y);
    while (s.step()) {
    }
    s.reset();
    return ids;
}

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
