#pragma once
// OGC API - Features: Part 1 (Core, GeoJSON, HTML), Part 2 (CRS by reference) and Part 3
// (Filtering, CQL2 text): the registry's place names (all, roads, places), divisions, door
// plates and the latest match results (collections.hpp) as collections a GIS client (QGIS,
// GDAL's OAPIF driver) can page through. Every document is built here from a base URL; the
// HTTP server only routes.
//
// Choices where clients trip: coordinates are stored as CGCS2000 longitude/latitude, which is
// CRS84 to within a few centimetres; feature ids are integers; paging follows `next` links
// that carry a keyset cursor (`after`), so page 10,000 costs what page 1 does; a bbox goes
// through the R*Tree; numberMatched is left out when a filter or datetime is given (counting
// them would cost more than the page).

#include "lookup/query.hpp"
#include "ogc/crs.hpp"

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
    std::optional<lookup::BBox> bbox;      // longitude/latitude (bbox-crs already applied)
    std::string bbox_text;                 // as given, for the links
    const Crs* bbox_crs = nullptr;         // as given; null: CRS84
    const Crs* crs = nullptr;              // of the answer; null: CRS84
    std::optional<std::string> filter;     // CQL2 text
    std::optional<std::string> datetime;
    int limit = default_limit;
    int next_limit = 1000;                 // next links double the page up to this (0: keep `limit`)
    std::optional<std::int64_t> after; // keyset cursor: features with a larger id
    std::int64_t offset = 0;           // accepted for clients that page by offset
};

// Counts per collection, and the temporal extents (a scan of a whole table each), remembered
// per connection until the database changes.
class CountCache {
public:
    std::optional<std::int64_t> get(store::Database& db, const std::string& collection);
    void put(const std::string& collection, std::int64_t count);
    std::optional<std::string> get_extent(store::Database& db, const std::string& collection);
    void put_extent(const std::string& collection, std::string interval_json);

private:
    // Forgets everything when another connection (or this one) changed the database.
    void check(store::Database& db);
    std::int64_t data_version_ = -1;
    std::vector<std::pair<std::string, std::int64_t>> counts_;
    std::vector<std::pair<std::string, std::string>> extents_;
};

bool has_collection(const std::string& id);
// Whether the collection has a temporal property (`datetime` applies to it).
bool has_temporal(const std::string& id);

std::string landing_page(const std::string& base);
std::string conformance();
std::string api_definition(const std::string& base);
std::string collections(store::Database& db, CountCache& cache, const std::string& base);
// Nothing for an unknown collection.
std::optional<std::string> collection(store::Database& db, CountCache& cache, const std::string& base, const std::string& id);
// `query_string` (already validated) is repeated in the self link. Throws query_error.
std::string items(store::Database& db, CountCache& counts, const std::string& base, const std::string& id,
                  const ItemsQuery& query);
std::optional<std::string> item(store::Database& db, const std::string& base, const std::string& id, std::int64_t fid,
                                const Crs* crs = nullptr);
// The queryable properties of a collection as a JSON Schema (Part 3); nothing if unknown.
std::optional<std::string> queryables(const std::string& base, const std::string& id);

// The media types clients check.
constexpr const char* json_type = "application/json";
constexpr const char* geojson_type = "application/geo+json";
constexpr const char* openapi_type = "application/vnd.oai.openapi+json;version=3.0";
constexpr const char* schema_type = "application/schema+json";

} // namespace diming::ogc
