#pragma once
// One place name in full, as the registry holds it: names, pinyin, category, where it lies,
// meaning and origin, approval, status, geometry (GeoJSON) and its whole history.

#include <cstdint>
#include <optional>

#include <nlohmann/json_fwd.hpp>

namespace diming::store {
class Database;
}

namespace diming::lookup {

// Nothing if there is no place name with that id.
std::optional<nlohmann::json> name_record(store::Database& db, std::int64_t id);

// Its renamings, oldest first.
nlohmann::json name_history(store::Database& db, std::int64_t id);

} // namespace diming::lookup
