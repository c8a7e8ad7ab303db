#pragma once
// What SpatiaLite's R*Tree indexes can answer without a scan.

#include <initializer_list>
#include <optional>
#include <string>

namespace diming::store {

class Database;

struct Extent {
    double min_x, min_y, max_x, max_y;
};

// The extent of everything in a table's spatial index, read from the R*Tree's root node
// (constant time, also on a million rows); nothing when the index is empty.
std::optional<Extent> indexed_extent(Database& db, const std::string& table, const std::string& column = "geom");

// The union of several tables' indexed extents (their `geom` columns); nothing if all are empty.
std::optional<Extent> indexed_extent(Database& db, std::initializer_list<const char*> tables);

} // namespace diming::store
