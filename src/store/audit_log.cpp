#include "store/audit_log.hpp"

#include <cstdlib>

namespace diming::store {

void record_change(Database& db, const AuditEntry& e) {
    db.prepare("INSERT INTO audit_log(actor, action, entity, entity_id, before, after) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
        .bind_all(e.actor, e.action, e.entity, e.entity_id, e.before_json, e.after_json)
        .run();
}

std::string cli_actor() {
    const char* user = std::getenv("USER");
    if (!user || !*user) user = std::getenv("LOGNAME");
    return std::string{"cli:"} + (user && *user ? user : "unknown");
}

} // namespace diming::store
