#pragma once
// How the server holds its clients' connections. httplib alone gives each connection a
// worker thread from accept to close, so a few dozen clients that send one header line every
// few seconds (or keep idle connections open) hold every worker and the server stops
// answering. Here one front thread (epoll) holds every connection while it waits for a
// request, reads the request into the connection's own buffer, and hands it to a worker only
// once the whole request is there; the worker answers it (httplib parses and routes) and
// gives the connection back. The buffer outlives the request, so pipelined requests are
// answered in order instead of being lost with httplib's per-request read buffer.
//
// Bounds: a whole request (head and body) within request_timeout of its first byte (else
// 408 and close); an idle kept-alive connection closed after idle_timeout; at most
// max_per_client connections from one address (else 503 and close).

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

namespace diming::server {

using ConnectionClock = std::chrono::steady_clock;

struct ConnectionLimits {
    std::chrono::milliseconds request_timeout{10'000}; // from a request's first byte to its last
    std::chrono::milliseconds idle_timeout{5'000};     // a connection waiting for its next request
    std::chrono::milliseconds write_timeout{10'000};   // writing one response
    int max_per_client = 256;                          // open connections from one address
    std::size_t max_head_bytes = 64 * 1024;            // request line and headers
    std::size_t max_body_bytes = 1 << 20;              // bodies up to this are read by the front
};

// One client connection: its socket and what was read from it but not yet consumed.
struct Connection {
    int fd = -1;
    std::string ip, local_ip;
    int port = 0, local_port = 0;
    std::string buffer;
    std::size_t consumed = 0;           // bytes of buffer already parsed by httplib
    ConnectionClock::time_point since;  // first byte of the pending request, or when it went idle
    bool partial = false;               // some bytes of the next request have arrived
    std::int64_t requests = 0;

    std::string_view pending() const { return std::string_view{buffer}.substr(consumed); }
    void compact(); // drops the consumed bytes
};

enum class RequestState { incomplete, complete, head_too_large };

// Whether `pending` starts with a whole request: its head, and the body the front waits for
// (Content-Length up to max_body; a chunked body, an Expect: 100-continue or a larger body is
// left for the worker to read, within the request's deadline).
RequestState request_state(std::string_view pending, std::size_t max_head, std::size_t max_body);

// httplib's view of a connection while a worker answers one request: reads come from the
// connection's buffer, then from the socket, never past the request's deadline.
class ConnectionStream final : public httplib::Stream {
public:
    ConnectionStream(Connection& c, ConnectionClock::time_point read_deadline, std::chrono::milliseconds write_timeout);
    bool is_readable() const override;
    bool is_writable() const override;
    ssize_t read(char* ptr, size_t size) override;
    ssize_t write(const char* ptr, size_t size) override;
    void get_remote_ip_and_port(std::string& ip, int& port) const override;
    void get_local_ip_and_port(std::string& ip, int& port) const override;
    socket_t socket() const override { return c_.fd; }

private:
    bool wait(short events, ConnectionClock::time_point until) const;
    Connection& c_;
    ConnectionClock::time_point read_deadline_;
    std::chrono::milliseconds write_timeout_;
};

class ConnectionFront {
public:
    // answer(connection) runs on a worker thread for each whole request; it gives the
    // connection back (keep it) or closes it.
    using Answer = std::function<void(std::unique_ptr<Connection>)>;
    ConnectionFront(ConnectionLimits limits, std::size_t workers, Answer answer);
    ~ConnectionFront();
    ConnectionFront(const ConnectionFront&) = delete;
    ConnectionFront& operator=(const ConnectionFront&) = delete;

    // Reads what arrives on the connection within `wait` (without blocking past it) into its
    // buffer; true when anything came.
    static bool next_request_arrives(Connection& c, std::chrono::milliseconds wait);
    // A socket just accepted (on httplib's accept thread).
    void admit(int fd);
    // After a response, the connection waits for its next request here.
    void give_back(std::unique_ptr<Connection> c);
    void close(std::unique_ptr<Connection> c);
    // Stops waiting for requests (idle connections are closed), lets the workers finish the
    // requests they have, and joins them.
    void shutdown();
    bool stopping() const noexcept { return stopping_.load(); }
    const ConnectionLimits& limits() const noexcept { return limits_; }

    struct Counts {
        std::int64_t open, waiting, refused, timed_out;
    };
    Counts counts() const;

private:
    void run();
    void dispatch(std::unique_ptr<Connection> c);
    void refuse(int fd, const char* status_line, const std::string& message);
    void release_client(const std::string& ip);
    void wake();

    ConnectionLimits limits_;
    Answer answer_;
    httplib::ThreadPool pool_;
    int epoll_ = -1, wake_ = -1;
    std::atomic<bool> stopping_{false};
    std::mutex inbox_mutex_;
    std::vector<std::unique_ptr<Connection>> inbox_;
    std::unordered_map<int, std::unique_ptr<Connection>> waiting_; // front thread only
    std::mutex clients_mutex_;
    std::unordered_map<std::string, int> per_client_;
    std::atomic<std::int64_t> open_{0}, waiting_count_{0}, refused_{0}, timed_out_{0};
    std::thread thread_;
    bool shut_ = false;
};

} // namespace diming::server
