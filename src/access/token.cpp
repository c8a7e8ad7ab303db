#include "access/token.hpp"

#include "core/digest.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "store/audit_log.hpp"
#include "store/database.hpp"

#include <nlohmann/json.hpp>
#include <openssl/rand.h>

#include <algorithm>
#include <array>

namespace diming::access {

namespace {

constexpr std::array<const char*, 5> role_names{"viewer", "clerk", "committee", "gis", "admin"};
// Tokens look like dmg_<43 base64url characters>: recognisable in a leaked log, 256 bits.
constexpr std::string_view token_prefix = "dmg_";

} // namespace

std::string random_secret(std::string_view prefix) {
    std::array<unsigned char, 32> bytes{};
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
        throw library_error{"cannot draw random bytes for a token (OpenSSL RAND_bytes failed)"};
    }
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out{prefix};
    // 6 bits per character; the last character carries the remaining 4 bits.
    unsigned bits = 0;
    int nbits = 0;
    for (unsigned char b : bytes) {
        bits = (bits << 8) | b;
        nbits += 8;
        while (nbits >= 6) {
            out += alphabet[(bits >> (nbits - 6)) & 63u];
            nbits -= 6;
        }
    }
    if (nbits > 0) out += alphabet[(bits << (6 - nbits)) & 63u];
    return out;
}

const char* to_string(Role role) noexcept { return role_names[static_cast<std::size_t>(role)]; }

Role parse_role(std::string_view text) {
    for (std::size_t i = 0; i < role_names.size(); ++i) {
        if (text == role_names[i]) return static_cast<Role>(i);
    }
    throw access_error{"unknown role '" + std::string{text} + "' (roles: viewer, clerk, committee, gis, admin)"};
}

bool allows(Role held, Role needed) noexcept { return held == needed || held == Role::admin; }

// A token's name is a path segment (DELETE /api/v1/tokens/{name}) and a line in the audit:
// letters (Chinese too), digits, '.', '_', '-' and '@', at most 64 characters.
void check_token_name(const std::string& name) {
    if (name.find_first_not_of(" \t") == std::string::npos) {
        throw refusal{refusal::Kind::invalid, "a token needs a name (who or what holds it)", "name"};
    }
    const auto chars = text::is_valid_utf8(name) ? text::to_u32(name) : std::u32string{};
    const bool ok = !chars.empty() && chars.size() <= 64 && std::all_of(chars.begin(), chars.end(), [](char32_t c) {
        return (c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z') || (c >= U'0' && c <= U'9') || c == U'.' || c == U'_' || c == U'-' ||
               c == U'@' || (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF);
    });
    if (!ok) {
        throw refusal{refusal::Kind::invalid,
                      "a token's name is 1 to 64 letters (Chinese too), digits, '.', '_', '-' or '@' (no spaces, slashes or control characters)",
                      "name"};
    }
}

std::string create_token(store::Database& db, const std::string& name, Role role, const std::string& actor) {
    check_token_name(name);
    const std::string secret = random_secret(token_prefix);
    store::Transaction tx{db};
    auto taken = db.prepare("SELECT 1 FROM api_tokens WHERE name = ?1");
    taken.bind(1, name);
    if (taken.step()) throw access_error{"a token named '" + name + "' already exists (names are kept after revocation)"};
    db.prepare("INSERT INTO api_tokens(name, role, token_hash) VALUES (?1, ?2, ?3)")
        .bind_all(name, to_string(role), sha256_hex(secret))
        .run();
    const auto id = db.last_insert_rowid();
    store::record_change(db, {actor, "api_token.create", "api_tokens", std::to_string(id), std::nullopt,
                              nlohmann::json{{"name", name}, {"role", to_string(role)}}.dump()});
    tx.commit();
    return secret;
}

void revoke_token(store::Database& db, const std::string& name, const std::string& actor) {
    store::Transaction tx{db};
    auto find = db.prepare("SELECT id, role FROM api_tokens WHERE name = ?1 AND revoked_at IS NULL");
    find.bind(1, name);
    if (!find.step()) throw access_error{"no live token named '" + name + "'"};
    const auto id = find.column_int(0);
    const std::string role = find.column_text(1);
    db.prepare("UPDATE api_tokens SET revoked_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = ?1").bind(1, id).run();
    // Its sign-in sessions end with it (find_session refuses them anyway; this records when).
    db.prepare("UPDATE web_sessions SET ended_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE token_id = ?1 AND ended_at IS NULL").bind(1, id).run();
    store::record_change(db, {actor, "api_token.revoke", "api_tokens", std::to_string(id),
                              nlohmann::json{{"name", name}, {"role", role}}.dump(),
                              nlohmann::json{{"name", name}, {"role", role}, {"revoked", true}}.dump()});
    tx.commit();
}

std::vector<TokenInfo> list_tokens(const store::Database& db) {
    std::vector<TokenInfo> out;
    auto q = db.prepare("SELECT name, role, created_at, revoked_at FROM api_tokens ORDER BY name");
    while (q.step()) out.push_back({q.column_text(0), parse_role(q.column_text(1)), q.column_text(2), q.column_text_opt(3)});
    return out;
}

std::optional<Principal> authenticate(store::Database& db, std::string_view secret) {
    if (secret.size() < token_prefix.size() + 8 || secret.size() > 128 || secret.substr(0, token_prefix.size()) != token_prefix) {
        return std::nullopt;
    }
    auto& q = db.cached("SELECT name, role FROM api_tokens WHERE token_hash = ?1 AND revoked_at IS NULL");
    q.bind(1, sha256_hex(secret));
    if (!q.step()) return std::nullopt;
    Principal p{q.column_text(0), parse_role(q.column_text(1))};
    q.reset();
    return p;
}

} // namespace diming::access
