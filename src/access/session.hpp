#pragma once
// Sign-in sessions of the browser workbench. A person signs in once with their API token;
// the session that opens is carried by an HttpOnly cookie, and every write it makes must also
// carry the session's CSRF token (a header the page sends, which another site's form cannot).
// Sessions live in the registry (only the cookie's SHA-256), so they survive a restart of the
// server; they end on sign-out, after their lifetime, after sitting idle, or when their token
// is revoked.

#include "access/token.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace diming::access {

struct SessionLimits {
    std::chrono::seconds lifetime{12 * 3600}; // from sign-in, however busy
    std::chrono::seconds idle{30 * 60};       // since the last request
};

// What sign-in hands back: the cookie's secret (shown once), the CSRF token, when it ends.
struct OpenedSession {
    std::string secret;
    std::string csrf;
    std::string expires_at; // UTC, 2026-11-30T20:00:00Z
};

// A live session, as a request presents it.
struct ActiveSession {
    std::int64_t id = 0;
    Principal who;
    std::string csrf;
    std::string expires_at;
    bool stale = false; // last seen over a minute ago: worth recording that it is in use
};

// Opens a session for the holder of a live token (audited as session.open). Throws
// access_error if the token is not live.
OpenedSession open_session(store::Database& db, const Principal& who, const SessionLimits& limits);

// The live session a cookie's secret names; nothing for an unknown, ended, expired or idle
// session, or one whose token has been revoked.
std::optional<ActiveSession> find_session(store::Database& db, std::string_view secret, const SessionLimits& limits);

// Records that the session is in use (its idle time starts again). Cheap: one UPDATE.
void touch_session(store::Database& db, std::int64_t id);

// Ends the session (sign-out, audited as session.close); nothing if it has ended already.
void close_session(store::Database& db, std::int64_t id, const std::string& actor);

// Whether two secrets are equal, in time that does not depend on where they differ.
bool same_secret(std::string_view a, std::string_view b) noexcept;

// The value of cookie `name` in a Cookie header (RFC 6265 §5.4: "a=1; b=2"); nothing if absent.
std::optional<std::string> cookie_value(std::string_view header, std::string_view name);

} // namespace diming::access
