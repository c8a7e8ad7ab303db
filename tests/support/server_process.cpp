#include "support/server_process.hpp"

#include "support/temp_dir.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <stdexcept>

namespace diming::testing {

ServerProcess::ServerProcess(const std::filesystem::path& db, std::vector<std::string> extra_args) {
    std::vector<std::string> args{"serve", "--db", db.string(), "--listen", "127.0.0.1:0"};
    if (std::find(extra_args.begin(), extra_args.end(), "--threads") == extra_args.end()) {
        args.insert(args.end(), {"--threads", "8"});
    }
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    int out = -1;
    pid_ = start_diming_piped(args, out);
    std::string line;
    char c = 0;
    while (line.find('\n') == std::string::npos) {
        pollfd p{out, POLLIN, 0};
        if (poll(&p, 1, 30'000) <= 0 || read(out, &c, 1) != 1) break;
        line += c;
    }
    close(out);
    const auto at = line.rfind(':');
    if (line.find("serving") == std::string::npos || at == std::string::npos) {
        stop();
        throw std::runtime_error{"diming serve did not start: '" + line + "'"};
    }
    port_ = std::stoi(line.substr(at + 1));
}

ServerProcess::~ServerProcess() { stop(); }

httplib::Client ServerProcess::client() const {
    httplib::Client c{"127.0.0.1", port_};
    c.set_url_encode(false);
    c.set_read_timeout(60, 0);
    return c;
}

int ServerProcess::stop() {
    if (pid_ < 0) return 0;
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string url_encode(const std::string& s) {
    static const char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

} // namespace diming::testing
