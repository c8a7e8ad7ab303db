#include "store/bulk_load.hpp"

namespace diming::store {

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

void BulkSpatialLoad::index_point(std::int64_t rowid, double x, double y) { noted_.push_back(rtree_entry(rowid, x, x, y, y)); }

std::int64_t BulkSpatialLoad::finish() {
    if (finished_) return 0;
    const std::string t = "\"" + table_ + "\"", c = "\"" + column_ + "\"";
    const std::string rtree = "idx_" + table_ + "_" + column_;
    std::vector<RtreeEntry> fresh = std::move(noted_);
    noted_.clear();
    if (fresh.empty()) {
        // Rows written by SQL: the type and SRID check the dropped trigger would have made, for
        // the new rows at once, and their boxes read back.
        auto bad = db_.prepare("SELECT count(*) FROM " + t + " WHERE rowid >= ?1 AND " + c + " IS NOT NULL AND "
                               "(ST_Srid(" + c + ") <> (SELECT srid FROM geometry_columns WHERE lower(f_table_name) = lower(?2) AND lower(f_geometry_column) = lower(?3)))");
        bad.bind_all(first_new_rowid_, table_, column_);
        bad.step();
        if (bad.column_int(0) > 0) throw database_error{table_ + "." + column_ + ": " + std::to_string(bad.column_int(0)) + " new geometries have the wrong SRID"};
        auto boxes = db_.prepare("SELECT rowid, MbrMinX(" + c + "), MbrMaxX(" + c + "), MbrMinY(" + c + "), MbrMaxY(" + c + ") FROM " + t +
                                 " WHERE rowid >= ?1 AND " + c + " IS NOT NULL");
        boxes.bind(1, first_new_rowid_);
        while (boxes.step()) {
            fresh.push_back(rtree_entry(boxes.column_int(0), boxes.column_double(1), boxes.column_double(2), boxes.column_double(3), boxes.column_double(4)));
        }
    }
    const auto indexed = static_cast<std::int64_t>(fresh.size());
    auto existing = db_.prepare("SELECT count(*) FROM \"" + rtree + "_rowid\"");
    existing.step();
    const auto old_count = static_cast<std::size_t>(existing.column_int(0));
    if (!fresh.empty() && fresh.size() * 2 >= old_count) {
        // Many new rows against few indexed: the whole index packed again, old entries too
        // (read into one vector of the final size: no second copy of ten million entries).
        std::vector<RtreeEntry> all;
        if (old_count == 0) {
            all = std::move(fresh);
        } else {
            all.reserve(old_count + fresh.size());
            all = rtree_entries(db_, rtree, std::move(all));
            all.insert(all.end(), fresh.begin(), fresh.end());
        }
        std::vector<RtreeEntry>().swap(fresh);
        pack_rtree(db_, rtree, all);
    } else if (!fresh.empty()) {
        // A few rows into a large index: the R*Tree's own insertion keeps its shape.
        auto insert = db_.prepare("INSERT INTO \"" + rtree + "\"(pkid, xmin, xmax, ymin, ymax) VALUES (?1, ?2, ?3, ?4, ?5)");
        for (const auto& e : fresh) insert.bind(1, e.id).bind(2, double{e.min_x}).bind(3, double{e.max_x}).bind(4, double{e.min_y}).bind(5, double{e.max_y}).run();
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
