#include "access/session.hpp"

#include "core/digest.hpp"
#include "store/audit_log.hpp"
#include "store/database.hpp"

#include <nlohmann/json.hpp>

namespace diming::access {

namespace {

// The session's secrets are random_secret()s: a prefix and 43 base64url characters.
constexpr std::string_view session_prefix = "dms_";

bool plausible_secret(std::string_view s) {
    if (s.size() != session_prefix.size() + 43 || s.substr(0, session_prefix.size()) != session_prefix) return false;
    for (char c : s.substr(session_prefix.size())) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!ok) return false;
    }
    return true;
}

} // namespace

OpenedSession open_session(store::Database& db, const Principal& who, const SessionLimits& limits) {
    OpenedSession out;
    out.secret = random_secret(session_prefix);
    out.csrf = random_secret("csrf_");
    store::Transaction tx{db};
    auto token = db.prepare("SELECT id FROM api_tokens WHERE name = ?1 AND revoked_at IS NULL");
    token.bind(1, who.name);
    if (!token.step()) throw access_error{"token '" + who.name + "' is not live"};
    const auto token_id = token.column_int(0);
    db.prepare("INSERT INTO web_sessions(secret_hash, token_id, csrf, expires_at) "
               "VALUES (?1, ?2, ?3, strftime('%Y-%m-%dT%H:%M:%SZ', 'now', ?4))")
        .bind_all(sha256_hex(out.secret), token_id, out.csrf, "+" + std::to_string(limits.lifetime.count()) + " seconds")
        .run();
    const auto id = db.last_insert_rowid();
    auto expires = db.prepare("SELECT expires_at FROM web_sessions WHERE id = ?1");
    expires.bind(1, id);
    expires.step();
    out.expires_at = expires.column_text(0);
    store::record_change(db, {who.name, "session.open", "web_sessions", std::to_string(id), std::nullopt,
                              nlohmann::json{{"token", who.name}, {"role", to_string(who.role)}, {"expires_at", out.expires_at}}.dump()});
    tx.commit();
    return out;
}

std::optional<ActiveSession> find_session(store::Database& db, std::string_view secret, const SessionLimits& limits) {
    if (!plausible_secret(secret)) return std::nullopt;
    auto& q = db.cached(
        "SELECT s.id, t.name, t.role, s.csrf, s.expires_at, s.last_seen_at < strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-60 seconds') "
        "FROM web_sessions s JOIN api_tokens t ON t.id = s.token_id "
        "WHERE s.secret_hash = ?1 AND s.ended_at IS NULL AND t.revoked_at IS NULL "
        "AND s.expires_at > strftime('%Y-%m-%dT%H:%M:%SZ', 'now') AND s.last_seen_at > strftime('%Y-%m-%dT%H:%M:%SZ', 'now', ?2)");
    q.bind(1, sha256_hex(secret)).bind(2, "-" + std::to_string(limits.idle.count()) + " seconds");
    if (!q.step()) {
        q.reset();
        return std::nullopt;
    }
    ActiveSession s{q.column_int(0), {q.column_text(1), parse_role(q.column_text(2))}, q.column_text(3), q.column_text(4), q.column_int(5) != 0};
    q.reset();
    return s;
}

void touch_session(store::Database& db, std::int64_t id) {
    db.cached("UPDATE web_sessions SET last_seen_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?1 AND ended_at IS NULL")
        .bind(1, id)
        .run();
}

void close_session(store::Database& db, std::int64_t id, const std::string& actor) {
    store::Transaction tx{db};
    db.prepare("UPDATE web_sessions SET ended_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?1 AND ended_at IS NULL").bind(1, id).run();
    if (db.changes() > 0) store::record_change(db, {actor, "session.close", "web_sessions", std::to_string(id), std::nullopt, std::nullopt});
    tx.commit();
}

bool same_secret(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    unsigned char diff = 0;
    for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

std::optional<std::string> cookie_value(std::string_view header, std::string_view name) {
    while (!header.empty()) {
        const auto end = header.find(';');
        std::string_view pair = header.substr(0, end);
        header = end == std::string_view::npos ? std::string_view{} : header.substr(end + 1);
        while (!pair.empty() && (pair.front() == ' ' || pair.front() == '\t')) pair.remove_prefix(1);
        while (!pair.empty() && (pair.back() == ' ' || pair.back() == '\t')) pair.remove_suffix(1);
        const auto eq = pair.find('=');
        if (eq == std::string_view::npos || pair.substr(0, eq) != name) continue;
        std::string_view value = pair.substr(eq + 1);
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
        return std::string{value};
    }
    return std::nullopt;
}

} // namespace diming::access
