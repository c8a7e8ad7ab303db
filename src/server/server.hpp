#pragma once
// diming's HTTP server: name and address lookup, OGC API - Features, tokens. Each worker
// thread reads through its own SQLite connection (WAL lets readers run beside the writer);
// writes go through one connection, one at a time, each in a transaction with its audit entry.

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>

namespace diming::server {

struct ServerOptions {
    std::filesystem::path db;
    std::string host = "127.0.0.1";
    int port = 8080;                   // 0: any free port (reported through on_listening)
    // Worker threads: requests answered at once. Connections waiting for a request (idle,
    // or still sending one) hold no worker: one front thread holds them all.
    int threads = 32;
    // Requests that read the registry at once (searches, geocoding, OGC pages, tile builds);
    // the others wait their turn in arrival order. 0: four per core (a reader
    // also waits on memory and page faults; measured best of 2, 4 and 8 per core on two cores).
    int concurrent_reads = 0;
    bool open_reads = true;            // false: reads need a token too (any role)
    std::size_t max_body_bytes = 1 << 20;
    std::size_t tile_cache_bytes = 256u << 20; // everything the cached tiles hold; entries at most one per KiB of it
    int timeout_seconds = 10;          // receiving a whole request (head and body); writing a response
    int idle_seconds = 5;              // a kept-alive connection waiting for its next request
    int max_connections_per_client = 256; // open connections from one address (behind a proxy: raise it)
    std::string access_log = "-";      // "-": standard error; "": none; else a file (appended)
    std::string public_url;            // base of absolute links, when behind a proxy; else from Host
    int session_hours = 12;            // a workbench sign-in lasts at most this long
    int session_idle_minutes = 30;     // and ends sooner when unused this long
    int ogc_next_limit = 1000;         // OGC next links double the page up to this (0: keep the client's limit)
    bool list_routes = false;          // print the routes (method, name, pattern) and serve nothing
};

// Serves until SIGTERM or SIGINT, then stops accepting and finishes the requests in flight.
// SIGHUP reloads the names the address parser knows (after an import from the command line).
// on_listening is called once the socket is bound, with its port.
void serve(const ServerOptions& options, const std::function<void(int port)>& on_listening);

} // namespace diming::server
