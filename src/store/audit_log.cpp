#include "store/audit_log.hpp"

#include <cstdlib>

namespace diming::store {

void record_change(Database& db, const AuditEntry& e) {
    db.prepare("INSERT INTO audit_log(actor, action, entity, entity_id, before, after) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
        .bind_all(e.actor, e.action, e.entity, e.entity_id, e.before_json, e.after_json)
        .run();
}

AuditPage read_changes(const Database& db, const AuditQuery& q) {
    auto s = db.prepare(
        "SELECT id, at, actor, action, entity, entity_id, before, after FROM audit_log "
        "WHERE (?1 IS NULL OR actor = ?1) AND (?2 IS NULL OR action = ?2) AND (?3 IS NULL OR entity = ?3) AND (?4 IS NULL OR entity_id = ?4) "
        "AND (?5 IS NULL OR at >= ?5) AND (?6 IS NULL OR at < date(?6, '+1 day')) AND (?7 IS NULL OR id < ?7) ORDER BY id DESC LIMIT ?8");
    s.bind(1, q.actor).bind(2, q.action).bind(3, q.entity).bind(4, q.entity_id).bind(5, q.from).bind(6, q.to).bind(7, q.before).bind(8, q.limit + 1);
    AuditPage page;
    while (s.step()) {
        if (static_cast<int>(page.records.size()) == q.limit) {
            page.next_before = page.records.back().id;
            break;
        }
        page.records.push_back({s.column_int(0), s.column_text(1), s.column_text(2), s.column_text(3), s.column_text(4), s.column_text_opt(5),
                                s.column_text_opt(6), s.column_text_opt(7)});
    }
    return page;
}

std::string cli_actor() {
    const char* user = std::getenv("USER");
    if (!user || !*user) user = std::getenv("LOGNAME");
    return std::string{"cli:"} + (user && *user ? user : "unknown");
}

} // namespace diming::store
