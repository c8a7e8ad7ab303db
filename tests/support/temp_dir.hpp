#pragma once
// Test support: a temporary folder removed at scope exit, and running the real `diming`
// binary as a child process.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace diming::testing {

class TempDir {
public:
    TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir();
    const std::filesystem::path& path() const noexcept { return path_; }
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

private:
    std::filesystem::path path_;
};

struct CommandResult {
    int exit_code;
    std::string out;
    std::string err;
};

// Runs the built `diming` with these arguments (no shell involved), in `cwd` when given.
CommandResult run_diming(const std::vector<std::string>& args, const std::filesystem::path& cwd = {});

// Runs another program (a name in PATH: pdfinfo, zbarimg …) the same way; exit code 127 if
// it could not be started.
CommandResult run_program(const std::string& program, const std::vector<std::string>& args, const std::filesystem::path& cwd = {});

// Starts the built `diming` without waiting (output discarded); returns its pid.
int start_diming(const std::vector<std::string>& args);

// Starts it with standard output on a pipe (read end returned) and standard error inherited.
int start_diming_piped(const std::vector<std::string>& args, int& stdout_read_fd);

// Bytes of a SQLite database with its journal and WAL: grows while a transaction writes.
std::uintmax_t database_bytes(const std::string& db_path);

// The source tree, for shipped data files.
std::filesystem::path source_dir();

std::string read_file(const std::filesystem::path& p);
void write_file(const std::filesystem::path& p, const std::string& content);

} // namespace diming::testing
