#pragma once
// API tokens and the roles they carry. A token is shown once when it is created; the
// registry keeps only its SHA-256, so a copied database does not leak working credentials.

#include "core/error.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace diming::store {
class Database;
}

namespace diming::access {

// A token request that cannot be honoured: unknown role, a name already taken, no such token.
class access_error : public diming::input_error {
public:
    using input_error::input_error;
};

// viewer reads; clerk issues door plates; committee names and renames; gis imports and
// matches; admin may do everything, including managing tokens.
enum class Role { viewer, clerk, committee, gis, admin };

const char* to_string(Role role) noexcept;
// Throws access_error naming the roles there are.
Role parse_role(std::string_view text);

// Whether a holder of `held` may do what needs `needed`: the same role, or admin.
bool allows(Role held, Role needed) noexcept;

// Who is calling: the token's name (as written in the audit log) and role.
struct Principal {
    std::string name;
    Role role;
};

struct TokenInfo {
    std::string name;
    Role role;
    std::string created_at;
    std::optional<std::string> revoked_at;
};

// Creates a token, records it in the audit log (as `actor`), and returns the secret: the only
// time it exists outside the caller's hands. Throws access_error if the name is taken.
std::string create_token(store::Database& db, const std::string& name, Role role, const std::string& actor);
// Marks it revoked (kept, for the audit trail). Throws access_error if there is no live token of that name.
void revoke_token(store::Database& db, const std::string& name, const std::string& actor);
std::vector<TokenInfo> list_tokens(const store::Database& db);

// `prefix` and 43 base64url characters: 256 random bits from OpenSSL (tokens, session cookies).
std::string random_secret(std::string_view prefix);

// The holder of a live token, or nothing for an unknown, revoked or malformed one.
std::optional<Principal> authenticate(store::Database& db, std::string_view secret);

} // namespace diming::access
