#pragma once
// The runs over time: each run's headline rates and its rates by town and community (from
// the run's summary), for the trend line; and what changed between two runs, record by record,
// with why (a decision, a renaming, new data, or the matcher itself).

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace diming::store {
class Database;
}

namespace diming::match {

// Newest first: id, when, datasets, automatic and governed rates; with `division` (a town or
// community code), that division's rates in each run.
nlohmann::json run_list(store::Database& db, int limit, const std::optional<std::string>& division);

// Records linked in `run` but not in `since` (newly linked) and the other way round (newly
// unlinked), matched across runs by the record's own id (地址编码) when the police data was
// delivered again; each with its reason. Counts by reason, and up to `limit` records each way.
nlohmann::json changes_since(store::Database& db, std::int64_t run, std::int64_t since, int limit);

} // namespace diming::match
