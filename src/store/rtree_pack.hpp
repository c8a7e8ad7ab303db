#pragma once
// Packing a SQLite R*Tree in one pass. Inserting a million points one by one costs SQLite's
// R*Tree about 6 µs each (choosing a leaf, splitting, reinserting); sorting them once in
// Sort-Tile-Recursive order and writing the nodes straight into the index's three shadow
// tables (%_node, %_rowid, %_parent, in the format rtree.c documents) gives a tree with
// fuller, less overlapping nodes in a fraction of that. SQLite's own rtreecheck() accepts
// the result, and later inserts and deletes go through the R*Tree module as always.

#include "store/database.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace diming::store {

// One entry as the R*Tree stores it: 32-bit floats, rounded outwards so that the box still
// holds the double-precision one (what rtree.c does on insert).
struct RtreeEntry {
    std::int64_t id;
    float min_x, max_x, min_y, max_y;
};
RtreeEntry rtree_entry(std::int64_t id, double min_x, double max_x, double min_y, double max_y);

// The entries of a 2-D R*Tree virtual table, read back (as floats, exactly as stored),
// appended to `into` (whose reserved room they use).
std::vector<RtreeEntry> rtree_entries(Database& db, const std::string& rtree, std::vector<RtreeEntry> into = {});

// Replaces everything in the 2-D R*Tree `rtree` (an existing virtual table, e.g. SpatiaLite's
// "idx_door_plates_geom") by `entries`, packed. Runs in the caller's transaction; the entries
// are reordered.
void pack_rtree(Database& db, const std::string& rtree, std::vector<RtreeEntry>& entries);

} // namespace diming::store
