#pragma once
// The naming workflow: a proposal is checked against the registry and recorded as
// 'proposed'; the committee's decision makes it 'approved' (with document number and date)
// or 'rejected'; an approved or registered name is 'retired' when the place goes.

#include "naming/checks.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace diming::store {
class Database;
}

namespace diming::naming {

struct NameProposal {
    std::string name;
    std::string category_code;
    std::string division_code;              // the town or village it lies in
    std::optional<std::string> geometry;    // GeoJSON geometry in CGCS2000 lon/lat
    std::optional<std::string> meaning, origin;
    std::vector<std::string> accepted;      // conflict kinds the committee accepts (homophone, former_name)
};

struct Decision {
    std::string document;                   // e.g. 平政地〔2026〕12号
    std::string date;                       // YYYY-MM-DD
    std::string reason;
};

struct ProposalResult {
    std::int64_t id = 0;
    std::string pinyin;
    std::vector<Conflict> conflicts;        // the accepted ones
};

// Each in one transaction with its audit entry; throws naming_error or refusal.
ProposalResult propose_name(store::Database& db, const NameProposal& proposal, const std::string& actor, const NamingRules& rules = {});
void approve_name(store::Database& db, std::int64_t id, const Decision& decision, const std::string& actor, const NamingRules& rules = {});
void reject_name(store::Database& db, std::int64_t id, const Decision& decision, const std::string& actor);
void retire_name(store::Database& db, std::int64_t id, const Decision& decision, const std::string& actor);


} // namespace diming::naming
