#pragma once
// The append-only audit log: every write diming makes to the registry records who did
// what, with the record before and after, inside the same transaction as the write.

#include "store/database.hpp"

#include <optional>
#include <string>

namespace diming::store {

struct AuditEntry {
    std::string actor;   // token name, or "cli:<user>"
    std::string action;  // "divisions.import", "place_name.rename", ...
    std::string entity;  // table name
    std::optional<std::string> entity_id;
    std::optional<std::string> before_json;
    std::optional<std::string> after_json;
};

void record_change(Database& db, const AuditEntry& entry);

// "cli:<login name>" for changes made from the command line.
std::string cli_actor();

} // namespace diming::store
