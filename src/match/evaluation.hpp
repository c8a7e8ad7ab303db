#pragma once
// Precision and recall of a match run against ground truth (the sample's truth.csv:
// police_id, civil_plate_id, variations), overall and per variation kind.

#include "store/database.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

namespace diming::match {

struct PairScore {
    std::int64_t truth_pairs = 0; // pairs the truth says exist (police record imported)
    std::int64_t linked = 0;      // textual links made
    std::int64_t correct = 0;     // links that are truth pairs
    double precision() const { return linked ? static_cast<double>(correct) / static_cast<double>(linked) : 1.0; }
    double recall() const { return truth_pairs ? static_cast<double>(correct) / static_cast<double>(truth_pairs) : 1.0; }
};

struct MatchEvaluation {
    PairScore overall;
    std::map<std::string, PairScore> by_variation;
    std::int64_t unregistered = 0;        // police records the truth gives no counterpart
    std::int64_t unregistered_linked = 0; // of those, linked textually anyway (false links)
};

MatchEvaluation evaluate_run(const store::Database& db, std::int64_t run_id, const std::filesystem::path& truth_csv);

} // namespace diming::match
