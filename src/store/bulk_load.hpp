#pragma once
// Bulk loading into a SpatiaLite table. SpatiaLite keeps a geometry column's R*Tree, type
// check and timestamps with three triggers per row; for a million rows it is far faster to
// drop them inside the write transaction, insert, then build the R*Tree packed in one pass
// (rtree_pack) and put the triggers back. Everything happens in the caller's transaction, so a failure or
// a kill at any point leaves the database as it was.

#include "store/database.hpp"
#include "store/rtree_pack.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace diming::store {

class BulkSpatialLoad {
public:
    // Must be inside a Transaction on db.
    BulkSpatialLoad(Database& db, std::string table, std::string column);

    // For a caller that writes every new row's geometry itself, as a point in the column's SRID:
    // notes one row's point for the index. A load that notes any row must note them all;
    // finish() then reads none of them back (on ten million rows, a pass over the table).
    void index_point(std::int64_t rowid, double x, double y);
    BulkSpatialLoad(const BulkSpatialLoad&) = delete;
    BulkSpatialLoad& operator=(const BulkSpatialLoad&) = delete;

    // Indexes every row added since construction, checks their SRID, restores the triggers.
    // Returns the number of rows indexed.
    std::int64_t finish();

private:
    Database& db_;
    std::string table_, column_;
    std::int64_t first_new_rowid_ = 0;
    std::vector<std::string> saved_triggers_;
    std::vector<RtreeEntry> noted_;
    bool finished_ = false;
};

} // namespace diming::store
