#pragma once
// OGC API - Features, Part 1 (Core, GeoJSON): the registry's place names, door plates and
// the latest match results as collections a GIS client (QGIS, GDAL's OAPIF driver) can page
// through. Every document is built here from a base URL; the HTTP server only routes.
//
// Choices where clients trip: coordinates are CGCS2000 longitude/latitude, which is CRS84 to
// within a few centimetres; feature ids are integers; paging follows `next` links that carry
// a keyset cursor (`after`), so page 10,000 costs what page 1 does; a bbox goes through the
// R*Tree.

#include "lookup/query.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace diming::store {
class Database;
}

namespace diming::ogc {

constexpr int default_limit = 10;
constexpr int max_limit = 10'000;

struct ItemsQuery {
    std::optional<lookup::BBox> bbox;
    int limit = default_limit;
    std::optional<std::int64_t> after; // keyset cursor: features with a larger id
    std::int64_t offset = 0;           // accepted for clients that page by offset
};

// Counts per collection, remembered per connection until the database changes.
class CountCache {
public:
    std::optional<std::int64_t> get(store::Database& db, const std::string& collection);
    void put(const std::string& collection, std::int64_t count);

private:
    std::int64_t data_version_ = -1;
    std::vector<std::pair<std::string, std::int64_t>> counts_;
};

bool has_collection(const std::string& id);

std::string landing_page(const std::string& base);
std::string conformance();
std::string api_definition(const std::string& base);
std::string collections(store::Database& db, const std::string& base);
// Nothing for an unknown collection.
std::optional<std::string> collection(store::Database& db, const std::string& base, const std::string& id);
// `query_string` (already validated) is repeated in the self link. Throws query_error.
std::string items(store::Database& db, CountCache& counts, const std::string& base, const std::string& id,
                  const ItemsQuery& query);
std::optional<std::string> item(store::Database& db, const std::string& base, const std::string& id, std::int64_t fid);

// The media types clients check.
constexpr const char* json_type = "application/json";
constexpr const char* geojson_type = "application/geo+json";
constexpr const char* openapi_type = "application/vnd.oai.openapi+json;version=3.0";

} // namespace diming::ogc
