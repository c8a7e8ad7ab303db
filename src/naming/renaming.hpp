#pragma once
// Renaming a place (更名): in one transaction the former name goes into the history with
// the decision, the name and its pinyin change, every plate on the place is re-addressed
// (its former standard address kept in door_plate_history), and each plate that shows the
// name (door and building plates) gets a 'renaming' issuance for its replacement. A
// renaming that fails any check changes nothing.

#include "naming/checks.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace diming::store {
class Database;
}

namespace diming::naming {

struct Renaming {
    std::int64_t place_name_id = 0;
    std::string new_name;
    std::string decision_doc;
    std::string decided_on;    // YYYY-MM-DD
    std::string effective_on;  // YYYY-MM-DD, not before decided_on
    std::string reason;
    std::vector<std::string> accepted; // conflict kinds the committee accepts
};

struct RenamingResult {
    std::int64_t history_id = 0;
    std::string former_name;
    std::string new_pinyin;
    std::int64_t plates_readdressed = 0;
    std::int64_t issuances_created = 0;
};

RenamingResult rename_place(store::Database& db, const Renaming& renaming, const std::string& actor, const NamingRules& rules = {});

} // namespace diming::naming
