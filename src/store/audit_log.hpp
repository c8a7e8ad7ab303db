#pragma once
// The append-only audit log: every write diming makes to the registry records who did
// what, with the record before and after, inside the same transaction as the write.

#include "store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

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

// Reading the log back: newest first, by keyset pages (ids below `before`).
struct AuditQuery {
    std::optional<std::string> actor, action, entity, entity_id;
    std::optional<std::string> from, to;   // ISO dates or times: at or after `from`, before the day after `to`
    std::optional<std::int64_t> before;    // keyset cursor
    int limit = 100;                       // 1 … 1000
};
struct AuditRecord {
    std::int64_t id = 0;
    std::string at, actor, action, entity;
    std::optional<std::string> entity_id, before_json, after_json;
};
struct AuditPage {
    std::vector<AuditRecord> records;
    std::optional<std::int64_t> next_before; // when there are older records
};
AuditPage read_changes(const Database& db, const AuditQuery& query);

// "cli:<login name>" for changes made from the command line.
std::string cli_actor();

} // namespace diming::store
