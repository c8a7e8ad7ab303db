#pragma once
// The province's PostGIS schema that every county publishes into: one table per kind of
// record (divisions, place_names, place_name_history, addresses, match_rates), each
// partitioned by county (LIST on county_code, one partition per county, so a county's copy
// is replaced or read without touching the others), plus the counties and their
// publications. Tables are created when missing; the ones there are left as they are.
//
// Each table's key is one bigint, `fid`, unique across counties (GDAL and QGIS take a
// one-column integer key as the feature id): a division's 12-digit code, else the county
// code × 10¹² + the registry's id. Partitions are ranges of it, one per county.

#include "publish/postgres.hpp"

#include <string>
#include <string_view>
#include <utility>

namespace diming::publish {

// The schema and its tables, in their own transaction (serialised between publishers by an
// advisory lock). Throws publish_error when PostGIS is missing and cannot be created.
void ensure_province_schema(pg::Connection& pg, const std::string& schema);

// The range of `fid` a county's rows of `table` take: [first, end).
std::pair<long long, long long> county_key_range(std::string_view table, const std::string& county_code);

// The county's partition of each table, inside the caller's transaction.
void ensure_county_partitions(pg::Connection& pg, const std::string& schema, const std::string& county_code);

} // namespace diming::publish
