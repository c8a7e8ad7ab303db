#pragma once
// Renaming a place (更名): in one transaction the former name goes into the history with
// the decision, the name and its pinyin change, every plate on the place is re-addressed
// (its former standard address kept in door_plate_history), and each plate that shows the
// name (door and building plates) gets a 'renaming' issuance for its replacement. A
// renaming that fails any check changes nothing.

#include "core/calendar.hpp"
#include "naming/checks.hpp"

#include <cstdint>
#include <optional>
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
    bool dry_run = false;              // only count what it would do (the impact preview)
};

struct RenamingResult {
    std::int64_t history_id = 0;
    std::string former_name;
    std::string new_pinyin;
    std::int64_t plates_readdressed = 0;
    std::int64_t issuances_created = 0;
    std::vector<std::int64_t> plate_ids; // the plates re-addressed
    std::vector<Conflict> conflicts;      // the accepted ones
};

// Carries the renaming out now, whatever its effective date (a dry run rolls back and only
// reports). Throws naming_error or refusal, and then changes nothing.
RenamingResult rename_place(store::Database& db, const Renaming& renaming, const std::string& actor, const NamingRules& rules = {});

// ---- renamings that take effect on a later date -------------------------------------------
// Decided now, carried out on effective_on: until then the registry shows the name in force
// and the coming one, and the coming name counts as taken. The change itself is
// rename_place's, run by apply_due_renamings (the server runs it when it starts and every
// minute; `diming names apply-due` does it from the command line).

using ::diming::today; // core/calendar.hpp

struct ScheduledRenaming {
    std::int64_t id = 0;
    std::int64_t place_name_id = 0;
    std::string current_name, new_name, decision_doc, decided_on, effective_on, reason, status, outcome, scheduled_by;
};

// Checks the renaming as rename_place would (a dry run) and records it for effective_on,
// which must be after today. Throws naming_error or refusal (one coming renaming per place).
std::int64_t schedule_renaming(store::Database& db, const Renaming& renaming, const std::string& actor, const NamingRules& rules = {});
// What the committee's decision does: carried out now when effective_on has come (today or
// before), else scheduled for that date. The server and the CLI both decide through this.
struct RenamingOutcome {
    bool scheduled = false;
    std::int64_t scheduled_id = 0; // when scheduled
    RenamingResult done;           // when carried out
};
RenamingOutcome rename_or_schedule(store::Database& db, const Renaming& renaming, const std::string& actor, const NamingRules& rules = {});

// Withdraws a scheduled renaming that has not happened. Throws refusal.
void withdraw_renaming(store::Database& db, std::int64_t id, const std::string& actor);
// Carries out every scheduled renaming due on or before `on`, each in its own transaction; one
// that fails now (its name taken since) is marked failed with the reason and the others go on.
// Returns the places renamed.
std::vector<std::int64_t> apply_due_renamings(store::Database& db, const std::string& on, const std::string& actor = "scheduler");
std::vector<ScheduledRenaming> scheduled_renamings(store::Database& db, std::optional<std::int64_t> place_name_id = std::nullopt,
                                                   bool only_coming = true);

} // namespace diming::naming
