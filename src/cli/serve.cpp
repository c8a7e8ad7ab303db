#include "cli/commands.hpp"

#include "core/error.hpp"
#include "server/server.hpp"

#include <iostream>

namespace diming::cli {

void add_serve(CLI::App& app) {
    auto* cmd = app.add_subcommand("serve", "Serve name and address lookup, OGC API - Features and tokens over HTTP");
    auto o = std::make_shared<server::ServerOptions>();
    auto listen = std::make_shared<std::string>("127.0.0.1:8080");
    auto db = std::make_shared<std::string>();
    auto closed_reads = std::make_shared<bool>(false);
    auto tile_cache_mb = std::make_shared<std::size_t>(256);
    cmd->add_option("--db", *db, "registry database")->required();
    cmd->add_option("--listen", *listen, "address:port to listen on (port 0: any free port, printed at start)")->capture_default_str();
    cmd->add_option("--threads", o->threads, "worker threads (each serves one connection at a time)")->capture_default_str();
    cmd->add_option("--concurrent-reads", o->concurrent_reads,
                    "requests reading the registry at once, the rest waiting in turn (0: four per core)")
        ->capture_default_str();
    cmd->add_flag("--closed-reads", *closed_reads, "require a token (any role) for reads too");
    cmd->add_flag("--routes", o->list_routes, "print every route (method, name, pattern) and exit");
    cmd->add_option("--max-body", o->max_body_bytes, "largest request body accepted, in bytes")->capture_default_str();
    cmd->add_option("--timeout", o->timeout_seconds, "seconds allowed for receiving a whole request (head and body) or writing a response")
        ->capture_default_str()->check(CLI::Range(1, 3600));
    cmd->add_option("--tile-cache-mb", *tile_cache_mb, "memory for built tiles, in MiB (0: no cache)")->capture_default_str()->check(CLI::Range(0, 65536));
    cmd->add_option("--idle-timeout", o->idle_seconds, "seconds a kept-alive connection may wait for its next request")
        ->capture_default_str()->check(CLI::Range(1, 3600));
    cmd->add_option("--max-connections-per-client", o->max_connections_per_client,
                    "open connections allowed from one client address (more are refused with 503)")
        ->capture_default_str()->check(CLI::Range(1, 100000));
    cmd->add_option("--access-log", o->access_log, "file for the JSON-lines access log ('-' standard error, '' none)")->capture_default_str();
    cmd->add_option("--session-hours", o->session_hours, "a workbench sign-in lasts at most this many hours")
        ->capture_default_str()->check(CLI::Range(1, 24 * 90));
    cmd->add_option("--session-idle-minutes", o->session_idle_minutes, "and ends after this many minutes unused")
        ->capture_default_str()->check(CLI::Range(1, 24 * 60));
    cmd->add_option("--public-url", o->public_url, "base URL clients use (behind a proxy), for absolute links");
    cmd->add_option("--ogc-next-limit", o->ogc_next_limit,
                    "OGC API next links double the page size up to this many features (GDAL before 3.8 asks for 10 a page); 0 keeps the client's")
        ->check(CLI::Range(0, 10000));
    cmd->callback([o, listen, db, closed_reads, tile_cache_mb] {
        const auto colon = listen->rfind(':');
        if (colon == std::string::npos) throw input_error{"--listen: expected address:port, e.g. 127.0.0.1:8080"};
        o->host = listen->substr(0, colon);
        try {
            std::size_t used = 0;
            o->port = std::stoi(listen->substr(colon + 1), &used);
            if (used != listen->size() - colon - 1 || o->port < 0 || o->port > 65535) throw std::out_of_range{"port"};
        } catch (const std::exception&) {
            throw input_error{"--listen: '" + listen->substr(colon + 1) + "' is not a port number (0-65535)"};
        }
        o->db = *db;
        o->open_reads = !*closed_reads;
        o->tile_cache_bytes = *tile_cache_mb << 20;
        server::serve(*o, [&](int port) {
            // The first line on standard output: scripts and tests read the port from it.
            std::cout << "diming: serving " << o->db.string() << " on http://" << o->host << ":" << port << std::endl;
        });
    });
}

} // namespace diming::cli
