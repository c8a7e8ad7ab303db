#pragma once
// The checks a proposed name (or a new name in a renaming) must pass: allowed characters,
// restricted words, duplicates, homophones, former names still in living memory.

#include "core/error.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace diming::store {
class Database;
}

namespace diming::naming {

struct Conflict {
    std::string kind;      // forbidden_characters, not_simplified, restricted_word, length, duplicate, homophone, former_name
    std::string message;   // for the committee
    bool blocking = false; // blocking conflicts cannot be accepted
    std::optional<std::int64_t> place_name_id; // the name it conflicts with, if any
    // The particulars, for a message in another language: name, status, key, word, date,
    // characters, simplified, count (each only where it applies).
    std::map<std::string, std::string> facts = {};
};

struct NamingRules {
    int memory_years = 10; // a former name used this recently still confuses people
};

// The conflicts of `name` with the registry, ignoring the place `self` (a renaming).
std::vector<Conflict> check_name(store::Database& db, const std::string& name, const NamingRules& rules,
                                 std::optional<std::int64_t> self = std::nullopt);

// A name refused for its conflicts (409 with the list).
class naming_error : public refusal {
public:
    naming_error(const std::string& message, std::vector<Conflict> conflicts)
        : refusal{Kind::conflict, message, "name"}, conflicts_{std::move(conflicts)} {}
    const std::vector<Conflict>& conflicts() const noexcept { return conflicts_; }

private:
    std::vector<Conflict> conflicts_;
};

// Throws naming_error unless every conflict is non-blocking and its kind is in `accepted`.
void require_acceptable(const std::vector<Conflict>& conflicts, const std::vector<std::string>& accepted);

nlohmann::json to_json(const std::vector<Conflict>& conflicts);

} // namespace diming::naming
