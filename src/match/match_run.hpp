#pragma once
// The matcher: for each police 一标三实 record, its civil-affairs counterpart, with a level,
// a score, the distance between the two points and a reason a person can read. One call is
// one MatchRun, stored whole in one transaction.
//
// Levels, best first: exact (same key, same text), room / building / plate (same canonical
// key at that level after normalisation), fuzzy (a registered road of the same pinyin or one
// edit away, number agreeing), road (the road is known but not the number: linked to the
// nearest plate on it, not counted as matched), spatial (nothing textual: the nearest civil
// plate within the distance), unmatched. Former road names are resolved by the parser through
// the place-name history, so they match as the current name does.

#include "core/error.hpp"
#include "store/database.hpp"

#include <cstdint>
#include <map>
#include <string>

namespace diming::match {

class match_error : public diming::error {
public:
    using error::error;
};

struct MatchOptions {
    std::int64_t police_dataset = 0;
    std::int64_t civil_dataset = 0;
    double distance_m = 50;
    int threads = 2;
    std::string actor;
    // Police records matched at a time, a compact area of the map: what bounds a run's
    // memory. The answers do not depend on it.
    std::size_t part_records = 200000;
};

struct MatchSummary {
    std::int64_t run_id = 0;
    std::int64_t police_records = 0;    // valid police records (the denominator)
    std::int64_t civil_records = 0;     // civil plates (the coverage denominator)
    std::map<std::string, std::int64_t> by_level;
    std::int64_t textual = 0;           // linked at plate level or finer (exact, room, building, plate, fuzzy)
    std::int64_t spatial = 0;           // textual and within the distance
    std::int64_t covered = 0;           // civil plates with at least one textual link
    std::int64_t ties = 0;              // records whose best candidate had equals
    std::int64_t shared_plates = 0;     // civil plates linked by two or more police records
    std::int64_t far_links = 0;         // textual links farther than the distance
    double seconds = 0;
    // After governance (governance.hpp): hand links count; unregistered, demolished and
    // duplicate records leave the denominator.
    std::int64_t decided = 0, changed_since_decision = 0, manual = 0;
    std::int64_t governed_police = 0, governed_textual = 0;
    double governed_rate() const { return governed_police ? static_cast<double>(governed_textual) / static_cast<double>(governed_police) : 0; }

    double textual_rate() const { return police_records ? static_cast<double>(textual) / static_cast<double>(police_records) : 0; }
    double spatial_rate() const { return police_records ? static_cast<double>(spatial) / static_cast<double>(police_records) : 0; }
    double coverage() const { return civil_records ? static_cast<double>(covered) / static_cast<double>(civil_records) : 0; }
};

// Whether a level counts as a textual link (door-plate level or finer).
bool is_textual(const std::string& level);

MatchSummary run_match(store::Database& db, const MatchOptions& options);

} // namespace diming::match
