#pragma once
// Cancellation (注销) of a plate that is planned, or active on a wall: the building was
// demolished, two doors were merged, the plate was wrong. In one transaction the plate and
// every plate under it (a building's unit and room plates) become 'cancelled', their open
// issuances (applied, approved) are cancelled, and each is recorded in
// door_plate_cancellations and the audit log. Nothing is deleted: the plate keeps its
// address history.
//
// Numbers: the number of an installed (active) door plate that is cancelled is retired — the
// numbering never proposes it again and a clerk who types it is refused unless they say they
// mean it (reuse_cancelled), so that an old letter or map never finds a stranger at that
// number by accident. A planned plate that is cancelled never hung anywhere: its number is
// free again.

#include <cstdint>
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace diming::store {
class Database;
}

namespace diming::plates {

struct Cancellation {
    std::int64_t door_plate_id = 0;
    std::string reason_code;   // demolition, merger, renumbering, error, other
    std::string reason;        // free text; required for 'other'
    std::string decision_doc;  // the document that orders it, if any
    std::string cancelled_on;  // YYYY-MM-DD
};

struct CancellationResult {
    std::int64_t plates_cancelled = 0;    // the plate and those under it
    std::int64_t issuances_cancelled = 0; // their open issuances
    bool number_retired = false;          // an installed door plate's number
};

// Throws refusal: no such plate (not_found), already cancelled or in a print order (conflict),
// a bad reason or date (invalid).
CancellationResult cancel_plate(store::Database& db, const Cancellation& c, const std::string& actor);

// The reasons a plate is cancelled, as {code, zh, en}.
nlohmann::json cancellation_reasons();

} // namespace diming::plates
