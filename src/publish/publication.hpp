#pragma once
// Publishing a county's registry to the province's PostGIS: the standard addresses (every
// plate), the place names with their renamings, the divisions and the latest match rates,
// into the shared schema of province_schema.hpp. One transaction per county: the province
// sees the county's copy as it was or as it is, never half of it. After the first, a
// publication sends only what changed since the last one the province holds (its record
// decides, the county keeps its own beside it): new rows by id, changed and deleted ones from
// the registry's change log (schemas/016_publications.sql). A different registry file
// publishing the same county, or --full, replaces the county's copy whole.

#include "publish/postgres.hpp"
#include "store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace diming::publish {

struct PublishOptions {
    std::string target;                 // libpq connection string, or GDAL's "PG:…"
    std::string schema = "diming";      // the province's schema
    std::optional<std::string> county;  // six digits; the registry's only county when absent
    bool full = false;                  // replace the county's copy whole
    std::string actor;                  // who publishes (audit)
};

struct TableCounts {
    long long written = 0;  // inserted or updated
    long long deleted = 0;
};

struct Publication {
    std::int64_t id = 0;                 // in the registry's publications
    std::int64_t province_id = 0;        // in the province's publications
    std::string county_code, county_name, target;
    bool full_copy = false;
    std::string why_full;                // first publication, another registry, asked for
    TableCounts divisions, place_names, renamings, addresses;
    long long match_rates = 0;
    std::optional<std::int64_t> match_run;
};

// Throws publish_error (PostgreSQL unreachable or refusing; nothing changed there, nor in the
// registry), input_error (no such county in the registry).
Publication publish(store::Database& db, const PublishOptions& options);

} // namespace diming::publish
