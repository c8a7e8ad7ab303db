#pragma once
// Work lists of match governance: for a town or community, the latest run's records that
// need attention (match_attention), ranked by what fixing them is worth, with who works on
// each and how far they are (work_items); exported as XLSX for a field check and read back,
// each filled-in outcome becoming a decision (governance.hpp), validated row by row.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace diming::store {
class Database;
}

namespace diming::match {

struct WorkListQuery {
    std::optional<std::int64_t> run;       // default: the latest finished run
    std::optional<std::string> town;       // 12-digit code
    std::optional<std::string> community;  // 12-digit code
    std::optional<std::string> status;     // open, field_check, resolved
    std::optional<std::string> assignee;
    int limit = 100;                       // 1 … 5000
    int offset = 0;
};

// The list, best worth first: each record's addresses, points, level, reason, problem, road
// and its work status. Throws refusal for unusable queries.
nlohmann::json work_list(store::Database& db, const WorkListQuery& query);

// Assigns records (by police record id) to a person and/or moves their status, audited.
struct Assignment {
    std::vector<std::int64_t> police_address_ids;
    std::optional<std::string> assignee;
    std::optional<std::string> status;
    std::string note;
};
std::size_t assign(store::Database& db, const Assignment& a, const std::string& actor);
std::size_t assign_in(store::Database& db, const Assignment& a, const std::string& actor); // in the caller's transaction

// The list as an XLSX sheet for a field check: coordinates, both addresses, the reason, and
// the columns to fill in (outcome, civil record, corrected address, note).
void export_work_list(store::Database& db, const WorkListQuery& query, const std::filesystem::path& file);

// A field check sheet read back: each row with an outcome becomes a decision (and its work
// item resolved), in one transaction, all or none; check_only writes nothing.
struct OutcomeRow {
    int row = 0;
    std::optional<std::string> problem_field, problem; // why the row cannot be taken
    std::int64_t decision_id = 0;
};
struct OutcomeBatch {
    std::vector<OutcomeRow> rows;
    bool written = false;
    std::size_t problems() const;
};
OutcomeBatch import_outcomes(store::Database& db, const std::filesystem::path& file, bool check_only, const std::string& actor);
nlohmann::json to_json(const OutcomeBatch& batch);

} // namespace diming::match
