#pragma once
// Match governance: what GIS staff decide about a police record and its link — confirm it,
// reject it, link the record by hand, correct the record's address, report the civil plate
// missing (a plate application for the clerks), or mark the record unregistered, demolished
// or a duplicate — recorded once (match_decisions, append-only, audited) and applied by
// every later match run, including runs over a newer delivery of the extract, where records
// are recognised by their own id (地址编码).

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace diming::store {
class Database;
}

namespace diming::match {

// The kinds of decision, as stored: confirm, reject, link, police_wrong, civil_missing,
// unregistered, demolished, duplicate, withdraw (back to the automatic matcher).
bool is_decision_kind(const std::string& kind);
// The kinds that take a record out of the governed rate's denominator: it is no address to match.
bool excludes_from_rate(const std::string& kind);

struct DecisionRequest {
    std::string kind;
    std::int64_t police_address_id = 0;
    std::optional<std::int64_t> civil_address_id; // confirm, reject, link
    std::string corrected_address;                // police_wrong
    std::string reason;
    std::optional<std::int64_t> run_id;           // the run reviewed
};

struct DecisionResult {
    std::int64_t id = 0;
    std::optional<std::int64_t> issuance_id;      // civil_missing: the application made
    std::optional<std::int64_t> door_plate_id;
};

// Records one decision (and, for civil_missing, a door-plate application at the police
// record's point, for its road and number) in one transaction with its audit entry. Throws
// refusal: unknown records, a civil record that is not civil, a road that is not registered.
DecisionResult decide(store::Database& db, const DecisionRequest& request, const std::string& actor);
// The same inside a transaction the caller holds (a field-check sheet's rows).
DecisionResult decide_in(store::Database& db, const DecisionRequest& request, const std::string& actor);

// A decision about a civil record alone (unregistered, demolished, duplicate, withdraw): later
// runs offer it to no police record and leave it out of the coverage denominator. Audited.
std::int64_t decide_civil(store::Database& db, const std::string& kind, std::int64_t civil_address_id, const std::string& reason,
                          const std::string& actor);
// The civil records decided to be no address, by civil_key.
std::vector<std::string> excluded_civil_keys(store::Database& db);

// A police record's decisions, oldest first (what the workbench shows as its history).
nlohmann::json decisions_of(store::Database& db, std::int64_t police_address_id);

// The keys that name records across deliveries.
std::string police_key(const std::optional<std::string>& source_id, std::int64_t row_id);
std::string civil_key(const std::optional<std::int64_t>& door_plate_id, const std::optional<std::string>& source_id, std::int64_t row_id);

// A police record's governed state: its decisions folded in order.
struct Governance {
    std::optional<std::string> manual_civil_key;  // confirm or link: this civil record, whatever the matcher finds
    std::vector<std::string> rejected_civil_keys; // never proposed for this record
    std::optional<std::string> corrected_address; // matched in place of the record's own
    std::string status;                           // civil_missing, unregistered, demolished, duplicate, or ""
    std::int64_t decision_id = 0;                 // the latest
    std::string kind;                             // the latest's kind
    std::string police_raw;                       // the record's address when last decided
};

// Every police record's state, by police_key (withdrawn records are absent).
std::unordered_map<std::string, Governance> load_governance(store::Database& db);

} // namespace diming::match
