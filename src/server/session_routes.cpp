// Signing in to the workbench: a token exchanged once for a session cookie (HttpOnly,
// SameSite=Strict, Secure over TLS) and a CSRF token the page sends with every write.

#include "access/session.hpp"
#include "lookup/query.hpp"
#include "server/call.hpp"

namespace diming::server {

namespace {

using nlohmann::json;

// Secure when the client reached us over TLS: through a proxy that says so, or a public URL in https.
bool over_tls(const Call& c) {
    return c.state.options.public_url.rfind("https://", 0) == 0 || c.req.get_header_value("X-Forwarded-Proto") == "https";
}

std::string cookie(const Call& c, const std::string& value, long max_age) {
    return std::string{session_cookie} + "=" + value + "; Path=/; Max-Age=" + std::to_string(max_age) + "; HttpOnly; SameSite=Strict" +
           (over_tls(c) ? "; Secure" : "");
}

json session_json(const access::Principal& who, const std::string& csrf, const std::string& expires_at, const access::SessionLimits& limits) {
    return json{{"name", who.name},
                {"role", access::to_string(who.role)},
                {"csrf_token", csrf},
                {"expires_at", expires_at},
                {"idle_minutes", limits.idle.count() / 60}};
}

void sign_in(Call& c) {
    c.allow_params({});
    auto body = c.json_body();
    for (const auto& [key, value] : body.items()) {
        if (key != "token") throw http_error{400, "bad_request", "unknown field '" + key + "' (fields: token)", key};
    }
    if (!body.contains("token") || !body["token"].is_string()) throw http_error{400, "bad_request", "token is required (from `diming token create`)", "token"};
    const auto token = body["token"].get<std::string>();
    const auto who = access::authenticate(c.worker.db, token);
    if (!who) throw http_error{401, "unauthorized", "the token is not valid (unknown, revoked or mistyped)", "token"};
    access::OpenedSession opened;
    {
        std::lock_guard lock{c.state.writer_mutex};
        opened = access::open_session(*c.state.writer, *who, c.state.session_limits);
    }
    c.res.set_header("Set-Cookie", cookie(c, opened.secret, static_cast<long>(c.state.session_limits.lifetime.count())));
    c.res.set_header("Cache-Control", "no-store");
    c.send_json(201, session_json(*who, opened.csrf, opened.expires_at, c.state.session_limits));
}

void who_am_i(Call& c) {
    c.allow_params({});
    c.res.set_header("Cache-Control", "no-store");
    if (c.session) {
        c.send_json(200, session_json(c.session->who, c.session->csrf, c.session->expires_at, c.state.session_limits));
        return;
    }
    // A bearer token is a caller too, without a session (and with no need of a CSRF token).
    if (c.who) {
        c.send_json(200, json{{"name", c.who->name}, {"role", access::to_string(c.who->role)}, {"csrf_token", nullptr}, {"expires_at", nullptr}});
        return;
    }
    c.require(access::Role::viewer); // 401, saying whether a session has ended
}

void sign_out(Call& c) {
    c.allow_params({});
    c.res.set_header("Set-Cookie", cookie(c, "", 0));
    if (c.session) {
        std::lock_guard lock{c.state.writer_mutex};
        access::close_session(*c.state.writer, c.session->id, c.session->who.name);
    }
    c.res.status = 204;
}

} // namespace

void add_session_routes(httplib::Server& http, ServerState& state) {
    route(http, state, "POST", "/api/v1/session", "/api/v1/session", sign_in);
    route(http, state, "GET", "/api/v1/session", "/api/v1/session", who_am_i);
    route(http, state, "DELETE", "/api/v1/session", "/api/v1/session", sign_out);
}

} // namespace diming::server
