#pragma once
// What a route handler gets: the request, the response, the server's shared state, its
// worker's read connection and who is calling. Internal to src/server.

#include "access/session.hpp"
#include "access/token.hpp"
#include "address/gazetteer.hpp"
#include "ogc/features.hpp"
#include "tiles/tile_builder.hpp"
#include "tiles/tile_cache.hpp"
#include "server/admission.hpp"
#include "server/metrics.hpp"
#include "server/server.hpp"
#include "store/database.hpp"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <initializer_list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace diming::server {

// An HTTP error with the JSON body {error, message, field}.
class http_error : public std::runtime_error {
public:
    http_error(int status, std::string code, const std::string& message, std::string field = {})
        : std::runtime_error{message}, status_{status}, code_{std::move(code)}, field_{std::move(field)} {}
    int status() const noexcept { return status_; }
    const std::string& code() const noexcept { return code_; }
    const std::string& field() const noexcept { return field_; }

private:
    int status_;
    std::string code_;
    std::string field_;
};

// One per worker thread, opened on its first request.
struct Worker {
    store::Database db;
    ogc::CountCache counts;
    std::unique_ptr<tiles::TileBuilder> tiles; // made on the first tile request
};

class ConnectionFront;

// One registered route: what `diming serve --routes` lists (and the role-matrix test walks).
struct RouteInfo {
    std::string method, pattern, name;
};

struct ServerState {
    ServerOptions options;
    access::SessionLimits session_limits;
    std::vector<RouteInfo> routes; // in registration order
    const ConnectionFront* front = nullptr; // the connections, for /metrics
    int port = 0;
    Metrics metrics;
    std::optional<Admission> reads; // the heavy reads, admitted in turn (see admission.hpp)

    tiles::TileCache tile_cache;
    std::optional<proj::Transformation> to_mercator; // for tiles_changed, under writer_mutex

    std::mutex writer_mutex;          // one write at a time
    std::optional<store::Database> writer;

    std::shared_ptr<const address::Gazetteer> gazetteer() const {
        std::lock_guard lock{gazetteer_mutex};
        return gazetteer_;
    }
    // After a naming change: the parser must know the new names (and former ones).
    void reload_names();
    // After a write through the server: the tiles it touched (lon/lat box) are built again;
    // the cache then knows the registry's new stamp and keeps the rest. Call holding the writer.
    void tiles_changed(store::Database& db, const std::optional<lookup::BBox>& touched, const std::string& stamp_before);
    void set_gazetteer(std::shared_ptr<const address::Gazetteer> g) {
        std::lock_guard lock{gazetteer_mutex};
        gazetteer_ = std::move(g);
    }

private:
    mutable std::mutex gazetteer_mutex;
    std::shared_ptr<const address::Gazetteer> gazetteer_;
};

// The workbench's session cookie, and the header that must carry its CSRF token on writes.
inline constexpr const char* session_cookie = "diming_session";
inline constexpr const char* csrf_header = "X-CSRF-Token";

struct Call {
    const httplib::Request& req;
    httplib::Response& res;
    ServerState& state;
    Worker& worker;
    std::optional<access::Principal> who;
    std::optional<access::ActiveSession> session; // when `who` came from a session cookie
    bool session_ended = false;                   // a session cookie was sent, but its session is over

    // Absolute base URL of this server as the client reached it ("http://127.0.0.1:8080").
    std::string base_url() const;
    // Refuses (400) any query parameter not in `allowed`, and repeated ones.
    void allow_params(std::initializer_list<const char*> allowed) const;
    std::optional<std::string> param(const char* name) const;
    // A positive integer id from the path's capture `group`; 404 naming `what` otherwise.
    std::int64_t path_id(int group = 1, const char* what = "record") const;
    // The request body as a JSON object; 415 / 400 otherwise.
    nlohmann::json json_body() const;
    // The caller's principal, requiring `role` (401 without a valid token, 403 with the wrong role).
    const access::Principal& require(access::Role role) const;

    void send_json(int status, std::string body, const char* type = "application/json") const;
    void send_json(int status, const nlohmann::json& body) const {
        send_json(status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
};

// Carries out the scheduled renamings that are due (on the writer), then refreshes the
// names and the tiles they touch.
void apply_due_renamings(ServerState& state);

// Route registration, one function per area.
void add_api_routes(httplib::Server& http, ServerState& state);
void add_ogc_routes(httplib::Server& http, ServerState& state);
void add_registry_routes(httplib::Server& http, ServerState& state);
void add_tile_routes(httplib::Server& http, ServerState& state);
void add_session_routes(httplib::Server& http, ServerState& state);
void add_plate_batch_routes(httplib::Server& http, ServerState& state);
void add_governance_routes(httplib::Server& http, ServerState& state);
void add_printing_routes(httplib::Server& http, ServerState& state);
void add_web_map(httplib::Server& http);

// Registers a handler under a route name (for metrics and the access log), with its errors
// mapped to JSON responses in one place.
using Handler = std::function<void(Call&)>;
void route(httplib::Server& http, ServerState& state, const char* method, const std::string& pattern, std::string name,
           Handler handler);

} // namespace diming::server
