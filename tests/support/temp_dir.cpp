#include "support/temp_dir.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace diming::testing {

namespace {

// In a forked child: wire up stdin/stdout/stderr and become `program args…` (a path, or a
// name looked up in PATH).
[[noreturn]] void exec_program(std::string program, const std::vector<std::string>& args, int in, int out, int err) {
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    std::vector<char*> argv;
    argv.push_back(program.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    execvp(program.c_str(), argv.data());
    _exit(127);
}

[[noreturn]] void exec_diming(const std::vector<std::string>& args, int in, int out, int err) {
    exec_program(DIMING_BINARY, args, in, out, err);
}

} // namespace

TempDir::TempDir() {
    std::string templ = (std::filesystem::temp_directory_path() / "diming-test-XXXXXX").string();
    if (!mkdtemp(templ.data())) throw std::runtime_error{"mkdtemp failed"};
    path_ = templ;
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

std::filesystem::path source_dir() { return DIMING_SOURCE_DIR; }

std::string read_file(const std::filesystem::path& p) {
    std::ifstream in{p, std::ios::binary};
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void write_file(const std::filesystem::path& p, const std::string& content) {
    std::ofstream out{p, std::ios::binary};
    out << content;
}

CommandResult run_diming(const std::vector<std::string>& args, const std::filesystem::path& cwd) {
    return run_program(DIMING_BINARY, args, cwd);
}

CommandResult run_program(const std::string& program, const std::vector<std::string>& args, const std::filesystem::path& cwd) {
    TempDir io;
    const auto out_path = io / "out";
    const auto err_path = io / "err";
    const pid_t pid = fork();
    if (pid < 0) throw std::runtime_error{"fork failed"};
    if (pid == 0) {
        if (!cwd.empty() && chdir(cwd.c_str()) != 0) _exit(127);
        const int devnull = open("/dev/null", O_RDONLY);
        exec_program(program, args, devnull, open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600),
                     open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600));
    }
    int status = 0;
    waitpid(pid, &status, 0);
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return {code, read_file(out_path), read_file(err_path)};
}

} // namespace diming::testing

namespace diming::testing {

int start_diming(const std::vector<std::string>& args) {
    const pid_t pid = fork();
    if (pid < 0) throw std::runtime_error{"fork failed"};
    if (pid == 0) {
        const int devnull = open("/dev/null", O_RDWR);
        exec_diming(args, devnull, devnull, devnull);
    }
    return pid;
}

} // namespace diming::testing

namespace diming::testing {

int start_diming_piped(const std::vector<std::string>& args, int& stdout_read_fd) {
    int fds[2];
    if (pipe(fds) != 0) throw std::runtime_error{"pipe failed"};
    const pid_t pid = fork();
    if (pid < 0) throw std::runtime_error{"fork failed"};
    if (pid == 0) {
        close(fds[0]);
        const int devnull = open("/dev/null", O_RDONLY);
        exec_diming(args, devnull, fds[1], 2);
    }
    close(fds[1]);
    stdout_read_fd = fds[0];
    return pid;
}

} // namespace diming::testing

namespace diming::testing {

std::uintmax_t database_bytes(const std::string& db_path) {
    std::uintmax_t total = 0;
    for (const char* ext : {"", "-journal", "-wal"}) {
        std::error_code ec;
        const auto n = std::filesystem::file_size(db_path + ext, ec);
        if (!ec) total += n;
    }
    return total;
}

} // namespace diming::testing
