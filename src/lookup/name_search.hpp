#pragma once
// Finding place names as people type them: the standard name or any part of it, its pinyin
// or initials (renminlu, rml), a former name or an alias (or a former name's pinyin);
// optionally near a point, inside a box, in a town, of a category or status. Ranked exact >
// prefix > substring > pinyin > former name/alias, or by distance when a point is given. When
// no name is the text itself, names that sound the same (homophone) or differ by one
// character (typo) follow, flagged. Beside the names: towns and communities
// (division_search.hpp) and compounds and their buildings (compound_search.hpp).

#include "lookup/compound_search.hpp"
#include "lookup/division_search.hpp"
#include "lookup/query.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace diming::store {
class Database;
}
namespace diming::address {
class Gazetteer;
}

namespace diming::lookup {

enum class NameMatch { exact, prefix, substring, pinyin, initials, former, alias, nearby, homophone, typo };
const char* to_string(NameMatch m) noexcept;

struct NameQuery {
    std::string q;                       // may be empty with `near` or `bbox`
    std::optional<std::string> category; // place_name_categories.code
    std::optional<std::string> town;     // a town's 9- or 12-digit code or its name
    std::optional<std::string> status;   // proposed, approved, registered, rejected, retired
    std::optional<LonLat> near;
    std::optional<BBox> bbox;
    int limit = 20;
    int offset = 0;
};

constexpr int max_name_limit = 100;
constexpr int max_name_offset = 10'000;
constexpr std::size_t max_query_code_points = 100;

struct NameHit {
    std::int64_t id = 0;
    std::string name;
    std::string pinyin;
    std::string category_code;
    std::string category_name;
    std::string division_code;
    std::string town_code;
    std::string town_name;
    std::string status;
    NameMatch match = NameMatch::exact;
    std::string matched;                 // the term that matched: a former name, an alias, the pinyin
    std::optional<double> distance_m;    // with `near`: to the nearest point of the geometry (EPSG:4549)
    std::optional<BBox> extent;          // of the geometry, for a map to fly to
};

struct NameSearchResult {
    std::string searched;                // the name looked for: q, or the place part of an address in q
    std::optional<std::string> number;   // the door number of an address in q ("12-1")
    std::vector<NameHit> hits;
    bool more = false;                   // further hits beyond offset + limit
    std::vector<DivisionHit> divisions;  // towns and communities of that name or code
    std::vector<CompoundHit> compounds;  // compounds of that name (and the building asked for)
};

// Throws query_error for unusable parameters (unknown town, category or status, q too long,
// invalid UTF-8). With a gazetteer, a query that finds nothing as a name but parses as an
// address (人民路12号) is searched by its place part.
NameSearchResult search_names(store::Database& db, const NameQuery& query, const address::Gazetteer* gazetteer = nullptr);

nlohmann::json to_json(const NameSearchResult& result);

} // namespace diming::lookup
