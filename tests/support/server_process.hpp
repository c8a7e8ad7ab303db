#pragma once
// A real `diming serve` on 127.0.0.1 and an ephemeral port, stopped with SIGTERM at scope exit.

#include <httplib.h>

#include <filesystem>
#include <string>
#include <vector>

namespace diming::testing {

class ServerProcess {
public:
    // Waits until the server prints its port (at most 30 s).
    explicit ServerProcess(const std::filesystem::path& db, std::vector<std::string> extra_args = {});
    ServerProcess(const ServerProcess&) = delete;
    ServerProcess& operator=(const ServerProcess&) = delete;
    ~ServerProcess();

    int port() const noexcept { return port_; }
    int pid() const noexcept { return pid_; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    httplib::Client client() const;
    // SIGTERM, then the exit code (or 128 + signal).
    int stop();

private:
    int pid_ = -1;
    int port_ = 0;
};

// Percent-encodes every byte outside A-Z a-z 0-9 - _ . ~ (for query values).
std::string url_encode(const std::string& s);

} // namespace diming::testing
