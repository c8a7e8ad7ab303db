#include "store/rtree_pack.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

namespace diming::store {

namespace {

// Rounded outwards exactly as rtree.c's rtreeValueDown/rtreeValueUp do, so that a packed
// entry is the very entry SpatiaLite's trigger would have inserted.
constexpr double towards_zero = 1.0 - 1.0 / 8388608.0, away_from_zero = 1.0 + 1.0 / 8388608.0;
float down(double d) {
    float f = static_cast<float>(d);
    if (static_cast<double>(f) > d) f = static_cast<float>(d * (d < 0 ? away_from_zero : towards_zero));
    return f;
}
float up(double d) {
    float f = static_cast<float>(d);
    if (static_cast<double>(f) < d) f = static_cast<float>(d * (d < 0 ? towards_zero : away_from_zero));
    return f;
}

// rtree.c's node layout: big-endian throughout.
void put16(std::string& b, std::size_t at, unsigned v) {
    b[at] = static_cast<char>((v >> 8) & 0xff);
    b[at + 1] = static_cast<char>(v & 0xff);
}
void put64(std::string& b, std::size_t at, std::uint64_t v) {
    for (int i = 7; i >= 0; --i, v >>= 8) b[at + static_cast<std::size_t>(i)] = static_cast<char>(v & 0xff);
}
void put_float(std::string& b, std::size_t at, float f) {
    auto v = std::bit_cast<std::uint32_t>(f);
    for (int i = 3; i >= 0; --i, v >>= 8) b[at + static_cast<std::size_t>(i)] = static_cast<char>(v & 0xff);
}

// Sort-Tile-Recursive: vertical slices by x, each sorted by y, cut into runs of `capacity`.
// Returns where each node's run starts.
std::vector<std::size_t> tile(std::vector<RtreeEntry>& e, std::size_t capacity) {
    const std::size_t n = e.size();
    const std::size_t nodes = (n + capacity - 1) / capacity;
    const auto slices = static_cast<std::size_t>(std::ceil(std::sqrt(static_cast<double>(nodes))));
    const std::size_t per_slice = ((nodes + slices - 1) / slices) * capacity;
    auto cx = [](const RtreeEntry& a) { return static_cast<double>(a.min_x) + a.max_x; };
    auto cy = [](const RtreeEntry& a) { return static_cast<double>(a.min_y) + a.max_y; };
    std::sort(e.begin(), e.end(), [&](const RtreeEntry& a, const RtreeEntry& b) { return cx(a) < cx(b); });
    std::vector<std::size_t> starts;
    for (std::size_t s = 0; s < n; s += per_slice) {
        const std::size_t end = std::min(n, s + per_slice);
        std::sort(e.begin() + static_cast<std::ptrdiff_t>(s), e.begin() + static_cast<std::ptrdiff_t>(end),
                  [&](const RtreeEntry& a, const RtreeEntry& b) { return cy(a) < cy(b); });
        for (std::size_t i = s; i < end; i += capacity) starts.push_back(i);
    }
    return starts;
}

} // namespace

RtreeEntry rtree_entry(std::int64_t id, double min_x, double max_x, double min_y, double max_y) {
    return {id, down(min_x), up(max_x), down(min_y), up(max_y)};
}

std::vector<RtreeEntry> rtree_entries(Database& db, const std::string& rtree, std::vector<RtreeEntry> out) {
    auto st = db.prepare("SELECT pkid, xmin, xmax, ymin, ymax FROM \"" + checked_identifier(rtree) + "\"");
    while (st.step()) {
        out.push_back({st.column_int(0), static_cast<float>(st.column_double(1)), static_cast<float>(st.column_double(2)),
                       static_cast<float>(st.column_double(3)), static_cast<float>(st.column_double(4))});
    }
    return out;
}

void pack_rtree(Database& db, const std::string& rtree, std::vector<RtreeEntry>& entries) {
    const std::string t = checked_identifier(rtree);
    // The node size is the root's (rtree.c reads it so on every connection).
    auto size_of = db.prepare("SELECT length(data) FROM \"" + t + "_node\" WHERE nodeno = 1");
    if (!size_of.step()) throw database_error{rtree + ": no root node; not an R*Tree index"};
    const auto node_size = static_cast<std::size_t>(size_of.column_int(0));
    constexpr std::size_t cell = 8 + 4 * 4;
    if (node_size < 4 + 3 * cell) throw database_error{rtree + ": its nodes are too small (" + std::to_string(node_size) + " bytes)"};
    const std::size_t capacity = std::min<std::size_t>((node_size - 4) / cell, 51);

    for (const char* shadow : {"_node", "_rowid", "_parent"}) db.exec("DELETE FROM \"" + t + shadow + "\"");
    auto write_node = db.prepare("INSERT INTO \"" + t + "_node\"(nodeno, data) VALUES (?1, ?2)");
    auto write_rowid = db.prepare("INSERT INTO \"" + t + "_rowid\"(rowid, nodeno) VALUES (?1, ?2)");
    auto write_parent = db.prepare("INSERT INTO \"" + t + "_parent\"(nodeno, parentnode) VALUES (?1, ?2)");

    // Level by level from the leaves up; a level's nodes become the next level's entries
    // (their id: the node number). The root is node 1, its first two bytes the tree's depth.
    std::int64_t next_node = 2;
    std::vector<RtreeEntry> level = std::move(entries);
    entries.clear();
    std::vector<std::pair<std::int64_t, std::int64_t>> rowids; // (entry, its leaf)
    std::string data(node_size, '\0');
    for (int depth = 0;; ++depth) {
        const bool leaves = depth == 0;
        const bool root = level.size() <= capacity;
        std::vector<std::size_t> starts = root ? std::vector<std::size_t>{0} : tile(level, capacity);
        std::vector<RtreeEntry> above;
        std::vector<std::pair<std::int64_t, std::int64_t>> parents;
        for (std::size_t k = 0; k < starts.size(); ++k) {
            const std::size_t from = starts[k];
            const std::size_t to = k + 1 < starts.size() ? starts[k + 1] : level.size(); // runs never pass capacity
            const std::int64_t node = root ? 1 : next_node++;
            std::fill(data.begin(), data.end(), '\0');
            put16(data, 0, root ? static_cast<unsigned>(depth) : 0u);
            put16(data, 2, static_cast<unsigned>(to - from));
            RtreeEntry box{node, std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity(),
                           std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity()};
            for (std::size_t i = from; i < to; ++i) {
                const RtreeEntry& e = level[i];
                const std::size_t at = 4 + (i - from) * cell;
                put64(data, at, static_cast<std::uint64_t>(e.id));
                put_float(data, at + 8, e.min_x);
                put_float(data, at + 12, e.max_x);
                put_float(data, at + 16, e.min_y);
                put_float(data, at + 20, e.max_y);
                box.min_x = std::min(box.min_x, e.min_x);
                box.max_x = std::max(box.max_x, e.max_x);
                box.min_y = std::min(box.min_y, e.min_y);
                box.max_y = std::max(box.max_y, e.max_y);
                if (leaves) rowids.emplace_back(e.id, node);
                else parents.emplace_back(e.id, node);
            }
            write_node.bind(1, node).bind_blob(2, data.data(), data.size()).run();
            above.push_back(box);
        }
        // In key order: appended to the B-trees rather than inserted all over them. Ids are
        // usually dense (a table's rowids): then a leaf number per id, 4 bytes each, not a
        // sorted list of pairs (16).
        if (leaves && !rowids.empty()) {
            auto [lo, hi] = std::minmax_element(rowids.begin(), rowids.end());
            const std::int64_t first = lo->first;
            const std::uint64_t span = static_cast<std::uint64_t>(hi->first - lo->first) + 1;
            if (span <= 2 * rowids.size() && span < (1ULL << 32)) {
                std::vector<std::uint32_t> leaf_of(static_cast<std::size_t>(span), 0);
                for (const auto& [row, leaf] : rowids) leaf_of[static_cast<std::size_t>(row - first)] = static_cast<std::uint32_t>(leaf);
                rowids.clear();
                rowids.shrink_to_fit();
                for (std::size_t i = 0; i < leaf_of.size(); ++i) {
                    if (leaf_of[i]) write_rowid.bind(1, first + static_cast<std::int64_t>(i)).bind(2, static_cast<std::int64_t>(leaf_of[i])).run();
                }
            } else {
                std::sort(rowids.begin(), rowids.end());
                for (const auto& [row, leaf] : rowids) write_rowid.bind(1, row).bind(2, leaf).run();
            }
        }
        rowids.clear();
        rowids.shrink_to_fit();
        std::sort(parents.begin(), parents.end());
        for (const auto& [child, parent] : parents) write_parent.bind(1, child).bind(2, parent).run();
        if (root) break;
        level = std::move(above);
    }
}

} // namespace diming::store
