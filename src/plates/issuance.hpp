#pragma once
// The life of a plate issuance: applied -> approved -> ordered -> printed -> installed, or
// rejected / cancelled. The legal moves are data (issuance_transitions) enforced by a
// trigger; here every move also records who and when (issuance_events) and keeps the plate
// in step: installed makes a new plate active, rejected or cancelled frees its number.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace diming::store {
class Database;
}

namespace diming::plates {

// Moves one issuance; throws refusal: not_found, or conflict (409) for an illegal move with
// the legal ones named. 'ordered' and 'printed' happen through print orders only.
void move_issuance(store::Database& db, std::int64_t id, const std::string& to, const std::string& actor, const std::string& note);

// The same, inside a transaction the caller holds (print orders move many at once).
void move_issuance_in(store::Database& db, std::int64_t id, const std::string& to, const std::string& actor, const std::string& note,
                      std::optional<std::int64_t> print_order = std::nullopt);

// Moves many issuances to `to` in one transaction, each with its own event and audit entry:
// all of them or none. Throws refusal naming every issuance that cannot move (up to 20 of
// them, and how many there are), so that the clerk can fix the selection in one go.
struct BatchMove {
    std::vector<std::int64_t> ids;
    std::string to;
    std::string note;
};
constexpr std::size_t max_batch_move = 5000;
std::size_t move_issuances(store::Database& db, const BatchMove& batch, const std::string& actor);

struct IssuanceFilter {
    std::optional<std::string> status;
    std::optional<std::string> road;     // a place name's id or name
    std::optional<std::string> from;     // created on or after (YYYY-MM-DD)
    std::optional<std::string> to;       // created on or before
    std::optional<std::int64_t> print_order;
    std::optional<std::string> kind;     // new, replacement, renaming
    std::optional<std::string> q;        // part of the standard address or the applicant
    int limit = 100;
    std::int64_t after = 0;              // keyset cursor: ids greater than this
};

constexpr int max_issuance_limit = 1000;

// Throws refusal (invalid) for unusable filters.
nlohmann::json list_issuances(store::Database& db, const IssuanceFilter& filter);
// Every issuance the filter matches (its limit and cursor ignored; at most 200,000 rows), as a
// sheet with Chinese headers: CSV (UTF-8 with a BOM, cells Excel would read as formulas
// quoted) or XLSX through GDAL. Returns the rows written.
std::int64_t export_issuances(store::Database& db, const IssuanceFilter& filter, const std::filesystem::path& file, bool xlsx);

// One issuance with its plate and every event; nothing if there is none.
std::optional<nlohmann::json> issuance_record(store::Database& db, std::int64_t id);

} // namespace diming::plates
