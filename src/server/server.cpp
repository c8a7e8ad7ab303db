#include "server/server.hpp"

#include "address/parser.hpp"
#include "core/text.hpp"
#include "lookup/query.hpp"
#include "naming/checks.hpp"
#include "naming/renaming.hpp"
#include "core/yaml.hpp"
#include "server/api_description.hpp"
#include "server/call.hpp"
#include "server/request_body.hpp"
#include "server/connections.hpp"
#include "store/migrations.hpp"

#include <pthread.h>
#include <sys/socket.h>
#include <signal.h>

#include <algorithm>
#include <cctype>
#include <atomic>
#include <condition_variable>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <thread>

namespace diming::server {

namespace {

using Clock = std::chrono::steady_clock;

// Per worker thread: the request being served (httplib serves a connection's requests on one thread).
struct CurrentRequest {
    Clock::time_point started;
    std::string route = "unmatched";
    std::string actor;
    int status = 0; // of the answer, once written
};
thread_local CurrentRequest current_request;
thread_local std::unique_ptr<Worker> thread_worker;
thread_local const ServerState* thread_worker_owner = nullptr;

Worker& worker_for(ServerState& state) {
    if (!thread_worker || thread_worker_owner != &state) {
        thread_worker = std::make_unique<Worker>(Worker{store::Database::open(state.options.db, store::Access::read_only), {}, nullptr});
        thread_worker_owner = &state;
    }
    return *thread_worker;
}

// Messages may quote client text; invalid UTF-8 in it is replaced rather than failing the response.
std::string error_body(const std::string& code, const std::string& message, const std::string& field) {
    nlohmann::json j{{"error", code}, {"message", message}};
    j["field"] = field.empty() ? nlohmann::json(nullptr) : nlohmann::json(field);
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

const char* status_code_name(int status) {
    switch (status) {
    case 400: return "bad_request";
    case 401: return "unauthorized";
    case 403: return "forbidden";
    case 404: return "not_found";
    case 405: return "method_not_allowed";
    case 409: return "conflict";
    case 413: return "payload_too_large";
    case 414: return "uri_too_long";
    case 415: return "unsupported_media_type";
    case 503: return "unavailable";
    default: return status >= 500 ? "internal_error" : "error";
    }
}

bool host_header_ok(const std::string& host) {
    if (host.empty() || host.size() > 255) return false;
    for (char c : host) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
                        c == ':' || c == '[' || c == ']';
        if (!ok) return false;
    }
    return true;
}

// The token of an `Authorization: Bearer <token>` header; the scheme is case-insensitive
// (RFC 9110 §11.1) and may be followed by more than one space.
std::optional<std::string> bearer_token(std::string_view header) {
    constexpr std::string_view scheme = "bearer";
    if (header.size() <= scheme.size() || header[scheme.size()] != ' ') return std::nullopt;
    for (std::size_t i = 0; i < scheme.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(header[i])) != scheme[i]) return std::nullopt;
    }
    header.remove_prefix(scheme.size());
    while (!header.empty() && header.front() == ' ') header.remove_prefix(1);
    return std::string{header};
}

class AccessLog {
public:
    explicit AccessLog(const std::string& where) {
        if (where.empty()) return;
        if (where == "-") {
            file_ = stderr;
            return;
        }
        file_ = std::fopen(where.c_str(), "a");
        owned_ = true;
        if (!file_) throw input_error{where + ": cannot open the access log for appending"};
    }
    AccessLog(const AccessLog&) = delete;
    AccessLog& operator=(const AccessLog&) = delete;
    ~AccessLog() {
        if (owned_ && file_) std::fclose(file_);
    }
    void write(const httplib::Request& req, const httplib::Response& res, double seconds, const CurrentRequest& rs) {
        if (!file_) return;
        char at[32];
        const auto now = std::chrono::system_clock::now();
        const std::time_t t = std::chrono::system_clock::to_time_t(now);
        std::tm tm{};
        gmtime_r(&t, &tm);
        std::strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
        // Paths and parameters are client text: the JSON serialiser escapes them (invalid UTF-8 replaced).
        nlohmann::json line{{"at", at},
                            {"remote", req.remote_addr},
                            {"method", req.method},
                            {"path", req.path},
                            {"route", rs.route},
                            {"status", res.status},
                            {"bytes", res.body.size()},
                            {"ms", std::round(seconds * 1e5) / 100},
                            {"actor", rs.actor}};
        const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
        std::lock_guard lock{mutex_};
        std::fwrite(text.data(), 1, text.size(), file_);
        std::fflush(file_);
    }

private:
    std::FILE* file_ = nullptr;
    bool owned_ = false;
    std::mutex mutex_;
};

// httplib::Server with a deeper accept queue. Debian's compiled cpp-httplib listens with a
// backlog of 5: when dozens of keep-alive clients reconnect at once, the kernel drops their
// SYNs and each retries a second later (measured: p99 0.7 s on an endpoint whose median is
// 0.5 ms). listen() again on the bound socket only raises the queue length.
//
// Its connections are held by a ConnectionFront (server/connections.hpp) instead of a worker
// each: httplib still accepts, parses and routes, but every request reaches a worker whole.
class Listener final : public httplib::Server {
public:
    void deepen_accept_queue(int backlog) { ::listen(svr_sock_.load(), backlog); }

    // Before listening: the front and its workers; httplib's accept loop hands them sockets.
    void start_front(const ConnectionLimits& limits, std::size_t workers) {
        front_ = std::make_unique<ConnectionFront>(limits, workers, [this](std::unique_ptr<Connection> c) { answer(std::move(c)); });
        new_task_queue = [this] { return new AcceptQueue{*front_}; };
    }
    const ConnectionFront& front() const { return *front_; }

private:
    // httplib's accept loop runs each accepted socket's task at once: the task only admits it.
    struct AcceptQueue final : httplib::TaskQueue {
        explicit AcceptQueue(ConnectionFront& f) : front{f} {}
        void enqueue(std::function<void()> fn) override { fn(); }
        void shutdown() override { front.shutdown(); }
        ConnectionFront& front;
    };

    // Called by the accept loop's task for each new socket.
    bool process_and_close_socket(socket_t sock) override {
        front_->admit(sock);
        return true;
    }

    // On a worker: the connection's request (and any pipelined after it), then back to the front.
    void answer(std::unique_ptr<Connection> c) {
        const auto& limits = front_->limits();
        while (true) {
            const auto started = c->partial ? c->since : ConnectionClock::now();
            ConnectionStream stream{*c, started + limits.request_timeout, limits.write_timeout};
            const bool keep = c->requests + 1 < max_requests_per_connection && !front_->stopping();
            bool closed_by_client = false;
            current_request.status = 0;
            // Every answer is whole: httplib would cut a dynamic body to a Range and call it 200.
            const bool ok = process_request(stream, !keep, closed_by_client, [](httplib::Request& req) { req.ranges.clear(); });
            ++c->requests;
            c->compact();
            // After a refused head or body the bytes that follow cannot be trusted as a request.
            const int st = current_request.status;
            const bool unframed = st == 400 || st == 408 || st == 413 || st == 414 || st == 431;
            if (!ok || !keep || closed_by_client || unframed) return front_->close(std::move(c));
            c->since = ConnectionClock::now();
            c->partial = !c->pending().empty();
            // A busy client sends its next request as soon as it has the answer: wait a moment
            // for it here rather than pay the hand-over to the front and back (measured: a
            // sixth of the name searches' throughput). Only a whole request is kept.
            if (!c->partial && ConnectionFront::next_request_arrives(*c, std::chrono::milliseconds{2})) c->partial = true;
            if (request_state(c->pending(), limits.max_head_bytes, limits.max_body_bytes) != RequestState::complete) {
                return front_->give_back(std::move(c));
            }
            // The next request (pipelined, or just sent) is here whole: answered next, in order.
        }
    }

    static constexpr std::int64_t max_requests_per_connection = 1000;
    std::unique_ptr<ConnectionFront> front_;
};

std::shared_ptr<const address::Gazetteer> load_gazetteer(const std::filesystem::path& db_path) {
    auto db = store::Database::open(db_path, store::Access::read_only);
    return std::make_shared<const address::Gazetteer>(address::Gazetteer::from_database(db));
}

} // namespace

void apply_due_renamings(ServerState& state) {
    std::vector<std::int64_t> renamed;
    {
        std::lock_guard lock{state.writer_mutex};
        auto& db = *state.writer;
        const auto before = tiles::registry_stamp(db);
        renamed = naming::apply_due_renamings(db, naming::today());
        if (renamed.empty()) return;
        // Wide enough for the plates along the places (they stand within 300 m).
        state.tiles_changed(db, indexed_box(db, "place_names", renamed, 0.004), before);
    }
    state.reload_names();
    std::cerr << "diming serve: carried out " << renamed.size() << " scheduled renaming(s) due by " << naming::today() << '\n';
}

void ServerState::reload_names() { set_gazetteer(load_gazetteer(options.db)); }

void ServerState::tiles_changed(store::Database& db, const std::optional<lookup::BBox>& touched, const std::string& stamp_before) {
    if (touched) {
        // Made once and kept: called under the writer's lock, so one thread at a time.
        if (!to_mercator) to_mercator.emplace("EPSG:4490", "EPSG:3857");
        const auto sw = to_mercator->forward({touched->min_lon, touched->min_lat});
        const auto ne = to_mercator->forward({touched->max_lon, touched->max_lat});
        tile_cache.invalidate({sw.x, sw.y, ne.x, ne.y});
    }
    tile_cache.sync_after_own_write(stamp_before, tiles::registry_stamp(db));
}

// ---- Call ------------------------------------------------------------------------------

std::string Call::base_url() const {
    if (!state.options.public_url.empty()) return state.options.public_url;
    const std::string host = req.get_header_value("Host");
    if (host_header_ok(host)) return "http://" + host;
    return "http://" + state.options.host + ":" + std::to_string(state.port);
}

void Call::allow_params(std::initializer_list<const char*> allowed) const {
    for (auto it = req.params.begin(); it != req.params.end(); ++it) {
        bool known = false;
        for (const char* a : allowed) known = known || it->first == a;
        const std::string shown = text::is_valid_utf8(it->first) ? it->first.substr(0, 40) : std::string{"(not UTF-8)"};
        if (!known) {
            std::string list;
            for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string{a};
            throw http_error{400, "bad_request", "unknown query parameter '" + shown + "'" + (list.empty() ? " (none are accepted here)" : " (accepted: " + list + ")"), shown};
        }
        if (req.params.count(it->first) > 1) throw http_error{400, "bad_request", "query parameter '" + shown + "' given more than once", shown};
    }
}

std::optional<std::string> Call::param(const char* name) const {
    auto it = req.params.find(name);
    if (it == req.params.end()) return std::nullopt;
    return it->second;
}

std::int64_t Call::path_id(int group, const char* what) const {
    const std::string text = req.matches[group];
    try {
        return lookup::parse_integer(text, "id", 1, std::numeric_limits<std::int64_t>::max());
    } catch (const lookup::query_error&) {
        throw http_error{404, "not_found", std::string{"no "} + what + " with id " + text.substr(0, 20)};
    }
}

nlohmann::json Call::json_body() const {
    const std::string type = req.get_header_value("Content-Type");
    if (type.rfind("application/json", 0) != 0) {
        throw http_error{415, "unsupported_media_type", "send the body as JSON with Content-Type: application/json"};
    }
    if (!text::is_valid_utf8(req.body)) throw http_error{400, "bad_request", "the body is not valid UTF-8"};
    auto body = nlohmann::json::parse(req.body, nullptr, false);
    if (body.is_discarded()) throw http_error{400, "bad_request", "the body is not well-formed JSON"};
    if (!body.is_object()) throw http_error{400, "bad_request", "the body must be a JSON object"};
    return body;
}

const access::Principal& Call::require(access::Role role) const {
    if (!who) {
        if (session_ended) {
            throw http_error{401, "session_ended", "the sign-in session has ended (signed out, expired, idle too long, or its token revoked): sign in again"};
        }
        if (req.has_header("Authorization")) {
            throw http_error{401, "unauthorized", "the token is not valid (unknown, revoked or malformed)"};
        }
        throw http_error{401, "unauthorized", "this needs a token: send Authorization: Bearer <token>"};
    }
    if (!access::allows(who->role, role)) {
        throw http_error{403, "forbidden",
                         "token '" + who->name + "' has role " + access::to_string(who->role) + "; this needs " + access::to_string(role)};
    }
    return *who;
}

void Call::send_json(int status, std::string body, const char* type) const {
    // Moved, not copied: an OGC page is tens of kilobytes.
    res.status = status;
    res.body = std::move(body);
    res.set_header("Content-Type", type);
}

// ---- routing ---------------------------------------------------------------------------

void route(httplib::Server& http, ServerState& state, const char* method, const std::string& pattern, std::string name,
           Handler handler) {
    state.routes.push_back({method, pattern, name});
    auto wrapped = [&state, name = std::move(name), handler = std::move(handler)](const httplib::Request& req, httplib::Response& res) {
        current_request.route = name;
        try {
            Worker& worker = worker_for(state);
            Call call{req, res, state, worker, std::nullopt, std::nullopt, false};
            const bool reads = req.method == "GET" || req.method == "HEAD";
            if (auto secret = bearer_token(req.get_header_value("Authorization"))) {
                call.who = access::authenticate(worker.db, *secret);
            } else if (auto cookie = access::cookie_value(req.get_header_value("Cookie"), session_cookie)) {
                call.session = access::find_session(worker.db, *cookie, state.session_limits);
                call.session_ended = !call.session;
                if (call.session) {
                    call.who = call.session->who;
                    // A cookie goes with every request to this server, whichever site made it;
                    // the CSRF token only with the workbench's own (SameSite=Strict is the second line).
                    const bool signs_in = name == "/api/v1/session" && req.method == "POST"; // authenticated by the token it sends
                    if (!reads && !signs_in && !access::same_secret(req.get_header_value(csrf_header), call.session->csrf)) {
                        throw http_error{403, "csrf", "this write came with the session cookie but without its CSRF token "
                                                      "(header X-CSRF-Token); writes are accepted only from the workbench's own pages"};
                    }
                    if (call.session->stale) {
                        std::lock_guard lock{state.writer_mutex};
                        access::touch_session(*state.writer, call.session->id);
                    }
                }
            }
            if (call.who) current_request.actor = call.who->name;
            // Probes stay open so that a supervisor can watch a server whose reads are closed.
            // HEAD is served by the GET routes: every method that reads is checked alike
            // (OPTIONS never reaches a route: answer_options takes it before routing).
            const bool probe = name == "/livez" || name == "/healthz";
            if (!state.options.open_reads && reads && !probe) call.require(access::Role::viewer);
            handler(call);
        } catch (const http_error& e) {
            res.status = e.status();
            if (e.status() == 401) res.set_header("WWW-Authenticate", "Bearer realm=\"diming\"");
            res.set_content(error_body(e.code(), e.what(), e.field()), "application/json");
        } catch (const naming::naming_error& e) {
            res.status = 409;
            auto body = nlohmann::json::parse(error_body("conflict", e.what(), e.field()));
            body["conflicts"] = naming::to_json(e.conflicts());
            res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), "application/json");
        } catch (const refusal& e) {
            res.status = e.kind() == refusal::Kind::not_found ? 404 : e.kind() == refusal::Kind::conflict ? 409 : 400;
            res.set_content(error_body(status_code_name(res.status), e.what(), e.field()), "application/json");
        } catch (const lookup::query_error& e) {
            res.status = 400;
            res.set_content(error_body("bad_request", e.reason(), e.field()), "application/json");
        } catch (const access::access_error& e) {
            res.status = 409;
            res.set_content(error_body("conflict", e.what(), ""), "application/json");
        } catch (const address::address_error& e) {
            res.status = 400;
            res.set_content(error_body("bad_request", e.what(), "q"), "application/json");
        } catch (const store::database_error& e) {
            // The details (file, SQL error) go to the server's log, not to the client.
            std::cerr << "diming serve: " << req.method << ' ' << req.path << ": " << e.what() << '\n';
            const bool busy = std::string_view{e.what()}.find("locked") != std::string_view::npos;
            res.status = busy ? 503 : 500;
            res.set_content(error_body(busy ? "unavailable" : "internal_error",
                                       busy ? "the registry is busy; try again" : "the server could not read the registry; see its log",
                                       ""),
                            "application/json");
        } catch (const std::exception& e) {
            std::cerr << "diming serve: " << req.method << ' ' << req.path << ": " << e.what() << '\n';
            res.status = 500;
            res.set_content(error_body("internal_error", "the server failed on this request; see its log", ""), "application/json");
        }
    };
    if (std::string_view{method} == "GET") http.Get(pattern, wrapped);
    else if (std::string_view{method} == "POST") http.Post(pattern, wrapped);
    else if (std::string_view{method} == "DELETE") http.Delete(pattern, wrapped);
    else if (std::string_view{method} == "PUT") http.Put(pattern, wrapped);
    else if (std::string_view{method} == "PATCH") http.Patch(pattern, wrapped);
}

// ---- serve -----------------------------------------------------------------------------

namespace {

// OPTIONS: a CORS preflight (Origin and Access-Control-Request-Method, never credentials)
// learns the methods and headers the API takes; any other OPTIONS is a read like GET, so
// closed reads ask it for a token. Nothing of the registry is in either answer.
httplib::Server::HandlerResponse answer_options(ServerState& state, const httplib::Request& req, httplib::Response& res) {
    current_request.route = "OPTIONS";
    const bool preflight = req.has_header("Origin") && req.has_header("Access-Control-Request-Method");
    if (!state.options.open_reads && !preflight) {
        std::optional<access::Principal> who;
        if (auto secret = bearer_token(req.get_header_value("Authorization"))) who = access::authenticate(worker_for(state).db, *secret);
        if (!who) {
            res.status = 401;
            res.set_header("WWW-Authenticate", "Bearer realm=\"diming\"");
            res.set_content(error_body("unauthorized", "this server's reads are closed: send Authorization: Bearer <token>", ""), "application/json");
            return httplib::Server::HandlerResponse::Handled;
        }
    }
    res.status = 204;
    res.set_header("Allow", "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
    res.set_header("Access-Control-Allow-Methods", "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
    res.set_header("Access-Control-Allow-Headers", "Authorization, Content-Type, If-None-Match, X-CSRF-Token");
    res.set_header("Access-Control-Max-Age", "600");
    return httplib::Server::HandlerResponse::Handled;
}

} // namespace

void serve(const ServerOptions& options, const std::function<void(int port)>& on_listening) {
    if (options.threads < 1 || options.threads > 1024) throw input_error{"--threads must be between 1 and 1024"};
    ServerState state;
    state.options = options;
    if (options.session_hours < 1 || options.session_idle_minutes < 1) throw input_error{"session lifetimes are at least an hour and a minute"};
    state.session_limits.lifetime = std::chrono::hours{options.session_hours};
    state.session_limits.idle = std::chrono::minutes{options.session_idle_minutes};
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    state.reads.emplace(options.concurrent_reads > 0 ? options.concurrent_reads : 4 * cores);

    {
        auto check = store::Database::open(options.db, store::Access::read_write);
        store::require_current_schema(check);
    }
    state.writer.emplace(store::Database::open(options.db, store::Access::read_write));
    state.set_gazetteer(load_gazetteer(options.db));
    AccessLog access_log{options.access_log};

    // Signals go to one thread that waits for them; block them before any other thread starts.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    Listener http;
    ConnectionLimits limits;
    limits.request_timeout = std::chrono::seconds{options.timeout_seconds};
    limits.write_timeout = std::chrono::seconds{options.timeout_seconds};
    limits.idle_timeout = std::chrono::seconds{options.idle_seconds};
    limits.max_per_client = options.max_connections_per_client;
    limits.max_body_bytes = options.max_body_bytes;
    http.start_front(limits, static_cast<std::size_t>(options.threads));
    state.front = &http.front();
    state.tile_cache.set_limits(options.tile_cache_bytes, options.tile_cache_bytes / 1024);
    // Without TCP_NODELAY every small response waits ~40 ms for a delayed ACK (Nagle).
    http.set_tcp_nodelay(true);
    // SO_REUSEADDR only: httplib's default also sets SO_REUSEPORT, with which a second server
    // on the same port starts and the kernel shares the connections between the two.
    http.set_socket_options([](socket_t sock) {
        int yes = 1;
        setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    http.set_payload_max_length(options.max_body_bytes);
    // Only what the Keep-Alive header tells clients now (the front keeps the connections):
    // the same bounds the front applies.
    http.set_keep_alive_max_count(1000);
    http.set_keep_alive_timeout(options.idle_seconds);
    http.set_default_headers({{"Access-Control-Allow-Origin", "*"}, {"X-Content-Type-Options", "nosniff"}});

    http.set_pre_routing_handler([&state](const httplib::Request& req, httplib::Response& res) {
        current_request.started = Clock::now();
        current_request.route = "unmatched";
        current_request.actor.clear();
        // A NUL (%00) in a path would end it early for some code and not for other code
        // (a file's type read from after it).
        if (req.path.find('\0') != std::string::npos) {
            res.status = 400;
            res.set_content(error_body("bad_request", "the path has a NUL byte (%00)", ""), "application/json");
            return httplib::Server::HandlerResponse::Handled;
        }
        if (req.method == "OPTIONS") return answer_options(state, req, res);
        return httplib::Server::HandlerResponse::Unhandled;
    });
    http.set_error_handler(httplib::Server::HandlerWithResponse{[](const httplib::Request&, httplib::Response& res) {
        // Errors httplib raises itself (no route, body too large, bad request line) and
        // handlers' errors alike leave with a JSON body.
        if (res.body.empty()) {
            const std::string message = res.status == 404 ? "no such resource" : res.status == 413 ? "the request body is too large" : "the request was refused";
            res.set_content(error_body(status_code_name(res.status), message, ""), "application/json");
        }
        return httplib::Server::HandlerResponse::Handled;
    }});
    http.set_exception_handler([](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
        try {
            if (ep) std::rethrow_exception(ep);
        } catch (const std::exception& e) {
            std::cerr << "diming serve: " << req.method << ' ' << req.path << ": " << e.what() << '\n';
        } catch (...) {
        }
        res.status = 500;
        res.set_content(error_body("internal_error", "the server failed on this request; see its log", ""), "application/json");
    });
    http.set_logger([&state, &access_log](const httplib::Request& req, const httplib::Response& res) {
        current_request.status = res.status;
        const double seconds = std::chrono::duration<double>(Clock::now() - current_request.started).count();
        state.metrics.record(current_request.route, req.method, res.status, seconds);
        access_log.write(req, res, seconds, current_request);
    });

    // Liveness: answers without touching the database (also the benchmarks' ceiling).
    route(http, state, "GET", "/livez", "/livez", [](Call& c) {
        c.allow_params({});
        c.res.set_content("ok\n", "text/plain");
    });
    // Readiness: the registry can be read.
    route(http, state, "GET", "/healthz", "/healthz", [](Call& c) {
        c.allow_params({});
        auto& s = c.worker.db.cached("SELECT count(*) FROM place_names");
        s.step();
        const auto names = s.column_int(0);
        s.reset();
        c.send_json(200, nlohmann::json{{"status", "ok"}, {"schema_version", store::schema_version(c.worker.db)}, {"place_names", names}});
    });
    route(http, state, "GET", "/metrics", "/metrics", [](Call& c) {
        c.allow_params({});
        const auto load = c.state.reads->load();
        std::string text = c.state.metrics.render();
        text += "# HELP diming_reads_slots Requests allowed to read the registry at once (--concurrent-reads).\n"
                "# TYPE diming_reads_slots gauge\ndiming_reads_slots " + std::to_string(c.state.reads->slots()) + "\n";
        text += "# HELP diming_reads_running Requests reading the registry now.\n"
                "# TYPE diming_reads_running gauge\ndiming_reads_running " + std::to_string(load.running) + "\n";
        text += "# HELP diming_reads_waiting Requests waiting for their turn to read the registry.\n"
                "# TYPE diming_reads_waiting gauge\ndiming_reads_waiting " + std::to_string(load.waiting) + "\n";
        auto gauge = [&text](const char* name, const char* help, const char* type, std::int64_t value) {
            text += std::string{"# HELP "} + name + " " + help + "\n# TYPE " + name + " " + type + "\n" + name + " " + std::to_string(value) + "\n";
        };
        gauge("diming_tile_cache_bytes", "Bytes the cached tiles hold (tiles, gzip copies, headers and a fixed cost per entry).", "gauge",
              static_cast<std::int64_t>(c.state.tile_cache.bytes()));
        gauge("diming_tile_cache_entries", "Tiles in the cache.", "gauge", static_cast<std::int64_t>(c.state.tile_cache.size()));
        if (c.state.front) {
            const auto n = c.state.front->counts();
            gauge("diming_connections_open", "Client connections open.", "gauge", n.open);
            gauge("diming_connections_waiting", "Connections waiting for (the rest of) a request, holding no worker.", "gauge", n.waiting);
            gauge("diming_connections_refused_total", "Connections refused: too many from one address.", "counter", n.refused);
            gauge("diming_requests_timed_out_total", "Requests that did not arrive whole in time (408).", "counter", n.timed_out);
        }
        c.res.set_content(text, "text/plain; version=0.0.4");
    });
    // httplib tries each route's regex in turn: the busiest (tiles, then lookups) go first.
    add_tile_routes(http, state);
    add_api_routes(http, state);
    add_ogc_routes(http, state);
    add_registry_routes(http, state);
    add_session_routes(http, state);
    add_plate_batch_routes(http, state);
    add_governance_routes(http, state);
    add_printing_routes(http, state);
    // The whole API described, from the routes just registered (and this route itself).
    route(http, state, "GET", "/api", "/api", [](Call& c) {
        c.allow_params({"f"});
        // JSON unless f=yaml, or an Accept that names YAML and not JSON.
        const std::string accept = c.req.get_header_value("Accept");
        const auto f = c.param("f");
        if (f && *f != "json" && *f != "yaml") throw http_error{400, "bad_request", "f: json or yaml", "f"};
        const bool yaml = f ? *f == "yaml" : accept.find("yaml") != std::string::npos && accept.find("json") == std::string::npos;
        const auto doc = openapi(c.state.routes, c.base_url(), c.state.options.open_reads);
        if (yaml) c.send_json(200, to_yaml(doc), "application/vnd.oai.openapi;version=3.0");
        else c.send_json(200, doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), "application/vnd.oai.openapi+json;version=3.0");
    });
    openapi(state.routes, "", true); // a route without its description stops the server here, not a client later
    add_web_map(http);
    if (options.list_routes) {
        for (const auto& r : state.routes) std::cout << r.method << '\t' << r.name << '\t' << r.pattern << '\n';
        return;
    }

    if (options.port == 0) {
        state.port = http.bind_to_any_port(options.host);
        if (state.port < 0) throw input_error{"cannot listen on " + options.host + " (any port)"};
    } else {
        if (!http.bind_to_port(options.host, options.port)) {
            throw input_error{"cannot listen on " + options.host + ":" + std::to_string(options.port) + " (in use, or not this machine's address)"};
        }
        state.port = options.port;
    }
    http.deepen_accept_queue(1024);

    std::atomic<bool> stopping{false};
    std::thread signal_thread{[&] {
        while (true) {
            int sig = 0;
            if (sigwait(&signals, &sig) != 0) continue;
            if (stopping.load()) return;
            if (sig == SIGHUP) {
                try {
                    state.set_gazetteer(load_gazetteer(options.db));
                    std::cerr << "diming serve: reloaded the registry's names\n";
                } catch (const std::exception& e) {
                    std::cerr << "diming serve: reload failed, keeping the names loaded before: " << e.what() << '\n';
                }
                continue;
            }
            std::cerr << "diming serve: stopping (finishing requests in flight)\n";
            stopping = true;
            http.stop();
            return;
        }
    }};

    // Renamings scheduled for a later date are carried out when the server starts and then
    // once a minute (README: scheduled renamings).
    std::mutex scheduler_mutex;
    std::condition_variable scheduler_wake;
    bool scheduler_stop = false;
    auto carry_out = [&state] {
        try {
            apply_due_renamings(state);
        } catch (const std::exception& e) {
            std::cerr << "diming serve: scheduled renamings: " << e.what() << '\n';
        }
    };
    carry_out(); // before the first request: nobody sees a name past its date
    std::thread scheduler{[&] {
        std::unique_lock lock{scheduler_mutex};
        while (!scheduler_wake.wait_for(lock, std::chrono::minutes{1}, [&] { return scheduler_stop; })) {
            lock.unlock();
            carry_out();
            lock.lock();
        }
    }};
    struct StopScheduler {
        std::mutex& m;
        std::condition_variable& cv;
        bool& stop;
        std::thread& t;
        ~StopScheduler() {
            {
                std::lock_guard lock{m};
                stop = true;
            }
            cv.notify_all();
            t.join();
        }
    } stop_scheduler{scheduler_mutex, scheduler_wake, scheduler_stop, scheduler};

    on_listening(state.port);
    const bool ok = http.listen_after_bind();
    const bool by_signal = stopping.exchange(true);
    if (!by_signal) pthread_kill(signal_thread.native_handle(), SIGTERM);
    signal_thread.join();
    pthread_sigmask(SIG_UNBLOCK, &signals, nullptr);
    if (!ok && !by_signal) throw input_error{"the server stopped listening unexpectedly"};
}

} // namespace diming::server
