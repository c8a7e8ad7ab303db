#include "server/connections.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <optional>

namespace diming::server {

namespace {

bool equals_ignoring_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

void address_of(int fd, bool peer, std::string& ip, int& port) {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    const int rc = peer ? getpeername(fd, reinterpret_cast<sockaddr*>(&addr), &len) : getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    if (rc != 0) return;
    char text[INET6_ADDRSTRLEN] = {};
    if (addr.ss_family == AF_INET) {
        const auto* a = reinterpret_cast<const sockaddr_in*>(&addr);
        inet_ntop(AF_INET, &a->sin_addr, text, sizeof text);
        port = ntohs(a->sin_port);
    } else if (addr.ss_family == AF_INET6) {
        const auto* a = reinterpret_cast<const sockaddr_in6*>(&addr);
        inet_ntop(AF_INET6, &a->sin6_addr, text, sizeof text);
        port = ntohs(a->sin6_port);
    }
    ip = text;
}

// Best effort, on a socket about to be closed: a short answer if the kernel takes it now.
void send_now(int fd, const std::string& bytes) {
    [[maybe_unused]] const auto n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
}

std::string short_response(const char* status_line, const std::string& code, const std::string& message) {
    const std::string body = "{\"error\":\"" + code + "\",\"message\":\"" + message + "\",\"field\":null}";
    return std::string{"HTTP/1.1 "} + status_line + "\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body;
}

} // namespace

void Connection::compact() {
    if (consumed == 0) return;
    buffer.erase(0, consumed);
    consumed = 0;
}

RequestState request_state(std::string_view pending, std::size_t max_head, std::size_t max_body) {
    std::size_t end = pending.find("\r\n\r\n");
    std::size_t sep = 4;
    if (const auto lf = pending.find("\n\n"); lf != std::string_view::npos && (end == std::string_view::npos || lf < end)) {
        end = lf;
        sep = 2;
    }
    if (end == std::string_view::npos) return pending.size() > max_head ? RequestState::head_too_large : RequestState::incomplete;
    if (end > max_head) return RequestState::head_too_large;
    const std::string_view head = pending.substr(0, end);
    std::optional<std::size_t> length;
    std::size_t at = head.find('\n');
    while (at != std::string_view::npos) {
        const std::size_t next = head.find('\n', at + 1);
        const std::string_view line = head.substr(at + 1, next == std::string_view::npos ? std::string_view::npos : next - at - 1);
        at = next;
        const auto colon = line.find(':');
        if (colon == std::string_view::npos) continue;
        const auto name = trim(line.substr(0, colon));
        const auto value = trim(line.substr(colon + 1));
        // The worker reads these bodies itself, within the request's deadline.
        if (equals_ignoring_case(name, "Transfer-Encoding")) return RequestState::complete;
        if (equals_ignoring_case(name, "Expect")) return RequestState::complete;
        if (equals_ignoring_case(name, "Content-Length")) {
            std::size_t n = 0;
            const auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
            if (ec != std::errc{} || p != value.data() + value.size() || n > max_body) return RequestState::complete; // httplib answers 400 or 413
            length = n;
        }
    }
    const std::size_t need = end + sep + length.value_or(0);
    return pending.size() >= need ? RequestState::complete : RequestState::incomplete;
}

// ---- ConnectionStream ------------------------------------------------------------------

ConnectionStream::ConnectionStream(Connection& c, ConnectionClock::time_point read_deadline, std::chrono::milliseconds write_timeout)
    : c_{c}, read_deadline_{read_deadline}, write_timeout_{write_timeout} {}

bool ConnectionStream::wait(short events, ConnectionClock::time_point until) const {
    while (true) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - ConnectionClock::now()).count();
        if (left < 0) return false;
        pollfd p{c_.fd, events, 0};
        const int rc = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 60'000)));
        if (rc > 0) return (p.revents & (events | POLLHUP | POLLERR)) != 0;
        if (rc < 0 && errno != EINTR) return false;
    }
}

bool ConnectionStream::is_readable() const { return !c_.pending().empty() || wait(POLLIN, read_deadline_); }

bool ConnectionStream::is_writable() const { return wait(POLLOUT, ConnectionClock::now() + write_timeout_); }

ssize_t ConnectionStream::read(char* ptr, size_t size) {
    while (c_.pending().empty()) {
        if (!wait(POLLIN, read_deadline_)) return -1; // the request's time is up
        c_.buffer.clear();
        c_.consumed = 0;
        char chunk[16384];
        const ssize_t n = ::recv(c_.fd, chunk, sizeof chunk, 0);
        if (n == 0) return 0;
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) continue;
            return -1;
        }
        c_.buffer.assign(chunk, static_cast<std::size_t>(n));
    }
    const auto pending = c_.pending();
    const std::size_t n = std::min(size, pending.size());
    std::memcpy(ptr, pending.data(), n);
    c_.consumed += n;
    return static_cast<ssize_t>(n);
}

ssize_t ConnectionStream::write(const char* ptr, size_t size) {
    const auto until = ConnectionClock::now() + write_timeout_;
    std::size_t done = 0;
    while (done < size) {
        const ssize_t n = ::send(c_.fd, ptr + done, size - done, MSG_NOSIGNAL);
        if (n > 0) {
            done += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
            if (!wait(POLLOUT, until)) return -1;
            continue;
        }
        return -1;
    }
    return static_cast<ssize_t>(size);
}

void ConnectionStream::get_remote_ip_and_port(std::string& ip, int& port) const {
    ip = c_.ip;
    port = c_.port;
}

void ConnectionStream::get_local_ip_and_port(std::string& ip, int& port) const {
    ip = c_.local_ip;
    port = c_.local_port;
}

// ---- ConnectionFront -------------------------------------------------------------------

ConnectionFront::ConnectionFront(ConnectionLimits limits, std::size_t workers, Answer answer)
    : limits_{limits}, answer_{std::move(answer)}, pool_{workers} {
    epoll_ = epoll_create1(EPOLL_CLOEXEC);
    wake_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = wake_;
    epoll_ctl(epoll_, EPOLL_CTL_ADD, wake_, &ev);
    thread_ = std::thread{[this] { run(); }};
}

ConnectionFront::~ConnectionFront() {
    shutdown();
    ::close(wake_);
    ::close(epoll_);
}

void ConnectionFront::wake() {
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto n = ::write(wake_, &one, sizeof one);
}

bool ConnectionFront::next_request_arrives(Connection& c, std::chrono::milliseconds wait) {
    pollfd p{c.fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(wait.count())) <= 0 || !(p.revents & POLLIN)) return false;
    char chunk[16384];
    bool any = false;
    while (true) {
        const ssize_t n = ::recv(c.fd, chunk, sizeof chunk, MSG_DONTWAIT);
        if (n <= 0) break; // nothing more now, or closed: the front finds out
        c.buffer.append(chunk, static_cast<std::size_t>(n));
        any = true;
        if (static_cast<std::size_t>(n) < sizeof chunk) break;
    }
    return any;
}

void ConnectionFront::admit(int fd) {
    auto c = std::make_unique<Connection>();
    c->fd = fd;
    address_of(fd, true, c->ip, c->port);
    address_of(fd, false, c->local_ip, c->local_port);
    {
        std::lock_guard lock{clients_mutex_};
        int& n = per_client_[c->ip];
        if (n >= limits_.max_per_client) {
            if (n == 0) per_client_.erase(c->ip);
            refuse(fd, "503 Service Unavailable",
                   "too many connections from your address (at most " + std::to_string(limits_.max_per_client) + "); close some and try again");
            return;
        }
        ++n;
    }
    const int flags = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &flags, sizeof flags);
    const int fl = fcntl(fd, F_GETFL, 0);
    fcntl(fd, F_SETFL, fl | O_NONBLOCK);
    c->since = ConnectionClock::now();
    ++open_;
    if (stopping_.load()) return close(std::move(c));
    {
        std::lock_guard lock{inbox_mutex_};
        inbox_.push_back(std::move(c));
    }
    wake();
}

void ConnectionFront::give_back(std::unique_ptr<Connection> c) {
    if (stopping_.load()) return close(std::move(c));
    {
        std::lock_guard lock{inbox_mutex_};
        inbox_.push_back(std::move(c));
    }
    wake();
}

void ConnectionFront::refuse(int fd, const char* status_line, const std::string& message) {
    ++refused_;
    send_now(fd, short_response(status_line, "unavailable", message));
    ::shutdown(fd, SHUT_RDWR);
    ::close(fd);
}

void ConnectionFront::release_client(const std::string& ip) {
    std::lock_guard lock{clients_mutex_};
    auto it = per_client_.find(ip);
    if (it != per_client_.end() && --it->second <= 0) per_client_.erase(it);
}

void ConnectionFront::close(std::unique_ptr<Connection> c) {
    if (!c) return;
    ::shutdown(c->fd, SHUT_WR);
    ::close(c->fd);
    release_client(c->ip);
    --open_;
}

void ConnectionFront::dispatch(std::unique_ptr<Connection> c) {
    // std::function needs a copyable callable: the connection travels as a raw pointer.
    pool_.enqueue([this, raw = c.release()] { answer_(std::unique_ptr<Connection>{raw}); });
}

void ConnectionFront::run() {
    std::vector<epoll_event> events(256);
    std::vector<char> chunk(65536);
    auto last_sweep = ConnectionClock::now();
    const std::size_t most_buffered = limits_.max_head_bytes + limits_.max_body_bytes + 65536;
    auto drop = [&](int fd) {
        epoll_ctl(epoll_, EPOLL_CTL_DEL, fd, nullptr);
        auto it = waiting_.find(fd);
        auto c = std::move(it->second);
        waiting_.erase(it);
        return c;
    };
    while (true) {
        const int n = epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), 100);
        const auto now = ConnectionClock::now();
        std::vector<std::unique_ptr<Connection>> arrived;
        {
            std::lock_guard lock{inbox_mutex_};
            arrived.swap(inbox_);
        }
        for (auto& c : arrived) {
            if (stopping_.load()) {
                close(std::move(c));
                continue;
            }
            if (request_state(c->pending(), limits_.max_head_bytes, limits_.max_body_bytes) == RequestState::complete) {
                dispatch(std::move(c));
                continue;
            }
            epoll_event ev{};
            ev.events = EPOLLIN | EPOLLRDHUP;
            ev.data.fd = c->fd;
            if (epoll_ctl(epoll_, EPOLL_CTL_ADD, c->fd, &ev) != 0) {
                close(std::move(c));
                continue;
            }
            const int fd = c->fd;
            waiting_.emplace(fd, std::move(c));
        }
        for (int i = 0; i < n; ++i) {
            const int fd = events[static_cast<std::size_t>(i)].data.fd;
            if (fd == wake_) {
                std::uint64_t v;
                [[maybe_unused]] const auto r = ::read(wake_, &v, sizeof v);
                continue;
            }
            auto it = waiting_.find(fd);
            if (it == waiting_.end()) continue;
            Connection& c = *it->second;
            bool closed = false;
            while (c.buffer.size() - c.consumed < most_buffered) {
                const ssize_t r = ::recv(fd, chunk.data(), chunk.size(), 0);
                if (r > 0) {
                    if (!c.partial) {
                        c.partial = true;
                        c.since = now;
                    }
                    c.buffer.append(chunk.data(), static_cast<std::size_t>(r));
                    continue;
                }
                if (r < 0 && errno == EINTR) continue;
                closed = r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK);
                break;
            }
            const auto state = request_state(c.pending(), limits_.max_head_bytes, limits_.max_body_bytes);
            if (state == RequestState::complete) {
                dispatch(drop(fd)); // a client that half-closed after its request still gets the answer
            } else if (state == RequestState::head_too_large) {
                auto gone = drop(fd);
                send_now(fd, short_response("431 Request Header Fields Too Large", "bad_request", "the request's head is too large"));
                close(std::move(gone));
            } else if (closed) {
                close(drop(fd));
            }
        }
        if (stopping_.load()) {
            std::vector<int> fds;
            for (const auto& [fd, c] : waiting_) fds.push_back(fd);
            for (int fd : fds) close(drop(fd));
            waiting_count_ = 0;
            return;
        }
        if (now - last_sweep >= std::chrono::milliseconds{100}) {
            last_sweep = now;
            std::vector<int> late, idle;
            for (const auto& [fd, c] : waiting_) {
                if (c->partial && now - c->since > limits_.request_timeout) late.push_back(fd);
                else if (!c->partial && now - c->since > limits_.idle_timeout) idle.push_back(fd);
            }
            for (int fd : late) {
                ++timed_out_;
                auto c = drop(fd);
                send_now(fd, short_response("408 Request Timeout", "request_timeout", "the request did not arrive whole in time"));
                close(std::move(c));
            }
            for (int fd : idle) close(drop(fd));
        }
        waiting_count_ = static_cast<std::int64_t>(waiting_.size());
    }
}

void ConnectionFront::shutdown() {
    if (shut_) return;
    shut_ = true;
    stopping_ = true;
    wake();
    if (thread_.joinable()) thread_.join();
    pool_.shutdown(); // the workers finish what they have; their connections close (stopping)
    std::vector<std::unique_ptr<Connection>> left;
    {
        std::lock_guard lock{inbox_mutex_};
        left.swap(inbox_);
    }
    for (auto& c : left) close(std::move(c));
}

ConnectionFront::Counts ConnectionFront::counts() const { return {open_.load(), waiting_count_.load(), refused_.load(), timed_out_.load()}; }

} // namespace diming::server
