#pragma once
// Towns and communities found by name, the name as written in addresses, or code
// (当湖街道, 乍浦镇, 330482001, 330482001000): search answers them beside place names.

#include "lookup/query.hpp"

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace diming::store {
class Database;
}

namespace diming::lookup {

struct DivisionHit {
    std::string code, name, short_name, kind;
    int level = 0;
    std::string parent_code, parent_name;
    std::string match; // code, exact, prefix, substring
    std::optional<BBox> extent;
};

// Towns (level 4) and communities or villages (level 5) only; at most `limit`.
std::vector<DivisionHit> search_divisions(store::Database& db, const std::string& q, int limit);
nlohmann::json to_json(const DivisionHit& h);

} // namespace diming::lookup
