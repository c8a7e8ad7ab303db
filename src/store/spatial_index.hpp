#pragma once
// What SpatiaLite's R*Tree indexes can answer without a scan.

#include <initializer_list>
#include <optional>
#include <cstdint>
#include <string>
#include <vector>

namespace diming::store {

class Database;
}
struct sqlite3;
namespace diming::store {

struct Extent {
    double min_x, min_y, max_x, max_y;
};

// The extent of everything in a table's spatial index, read from the R*Tree's root node
// (constant time, also on a million rows); nothing when the index is empty.
std::optional<Extent> indexed_extent(Database& db, const std::string& table, const std::string& column = "geom");

// The union of several tables' indexed extents (their `geom` columns); nothing if all are empty.
std::optional<Extent> indexed_extent(Database& db, std::initializer_list<const char*> tables);

// The ids of the entries of SpatiaLite R*Tree `rtree` (e.g. "idx_door_plates_geom") whose
// box meets `box`, in no particular order: what `SELECT pkid FROM rtree WHERE xmax >= …`
// gives, at about a third of its cost. SQLite's R*Tree hands each entry it reaches to a query
// callback registered on every connection (register_spatial_callbacks), which collects the
// ids itself instead of queuing them as rows for the SQL engine.
std::vector<std::int64_t> ids_in_box(Database& db, const std::string& rtree, const Extent& box);

// Registers the R*Tree callbacks above on a new connection (called by Database::open).
void register_spatial_callbacks(sqlite3* db);

} // namespace diming::store
