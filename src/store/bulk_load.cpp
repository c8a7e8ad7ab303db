#include "store/bulk_load.hpp"

#include <cctype>

namespace diming::store {

namespace {

// Identifiers come from diming's own code, never from input; still, refuse anything odd.
std::string checked_identifier(const std::string& s) {
    for (char c : s) {
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) throw database_error{"bad identifier: " + s};
    }
    return s;
}

} // namespace

BulkSpatialLoad::BulkSpatialLoad(Database& db, std::string table, std::string column)
    : db_{db}, table_{checked_identifier(table)}, column_{checked_identifier(column)} {
    auto max = db_.prepare("SELECT coalesce(max(rowid), 0) FROM \"" + table_ + "\"");
    max.step();
    first_new_rowid_ = max.column_int(0) + 1;
    auto triggers = db_.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND name IN (?1, ?2, ?3)");
    triggers.bind_all("ggi_" + table_ + "_" + column_, "tmi_" + table_ + "_" + column_, "gii_" + table_ + "_" + column_);
    std::vector<std::string> names;
    while (triggers.step()) {
        names.push_back(triggers.column_text(0));
        saved_triggers_.push_back(triggers.column_text(1));
    }
    for (const auto& n : names) db_.exec("DROP TRIGGER \"" + n + "\"");
}

void BulkSpatialLoad::index_point(std::int64_t rowid, double x, double y) {
    if (!index_point_) {
        index_point_.emplace(db_.prepare("INSERT INTO \"idx_" + table_ + "_" + column_ + "\"(pkid, xmin, xmax, ymin, ymax) VALUES (?1, ?2, ?2, ?3, ?3)"));
    }
    index_point_->bind(1, rowid).bind(2, x).bind(3, y).run();
    ++indexed_inline_;
}

std::int64_t BulkSpatialLoad::finish() {
    if (finished_) return 0;
    const std::string t = "\"" + table_ + "\"", c = "\"" + column_ + "\"";
    // The type and SRID check the dropped trigger would have made, for the new rows at once.
    auto bad = db_.prepare("SELECT count(*) FROM " + t + " WHERE rowid >= ?1 AND " + c + " IS NOT NULL AND "
                           "(ST_Srid(" + c + ") <> (SELECT srid FROM geometry_columns WHERE lower(f_table_name) = lower(?2) AND lower(f_geometry_column) = lower(?3)))");
    bad.bind_all(first_new_rowid_, table_, column_);
    bad.step();
    if (bad.column_int(0) > 0) throw database_error{table_ + "." + column_ + ": " + std::to_string(bad.column_int(0)) + " new geometries have the wrong SRID"};
    // One pass in row order: rows arrive in the order of their source, which is spatially
    // coherent enough that sorting first (tried: by x) costs more than it saves.
    std::int64_t indexed = indexed_inline_;
    if (indexed_inline_ == 0) {
        auto index = db_.prepare("INSERT INTO \"idx_" + table_ + "_" + column_ + "\"(pkid, xmin, xmax, ymin, ymax) "
                                 "SELECT rowid, MbrMinX(" + c + "), MbrMaxX(" + c + "), MbrMinY(" + c + "), MbrMaxY(" + c + ") FROM " + t +
                                 " WHERE rowid >= ?1 AND " + c + " IS NOT NULL");
        index.bind(1, first_new_rowid_);
        index.run();
        indexed = db_.changes();
    }
    db_.prepare("UPDATE geometry_columns_time SET last_insert = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') "
                "WHERE lower(f_table_name) = lower(?1) AND lower(f_geometry_column) = lower(?2)")
        .bind_all(table_, column_)
        .run();
    for (const auto& sql : saved_triggers_) db_.exec(sql);
    finished_ = true;
    return indexed;
}

} // namespace diming::store
