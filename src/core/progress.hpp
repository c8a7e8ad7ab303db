#pragma once
// Progress of a long job on stderr: a bar with rows/s and ETA on a terminal, plain lines
// every few seconds otherwise (logs, CI).

#include <chrono>
#include <cstdint>
#include <string>

namespace diming {

class Progress {
public:
    // total 0: unknown (no bar, no ETA). enabled false: silent.
    Progress(std::string label, std::int64_t total, bool enabled);
    void advance(std::int64_t n = 1);
    void finish();
    double elapsed_seconds() const;

private:
    std::string label_;
    std::int64_t total_, done_ = 0;
    bool enabled_, tty_;
    std::chrono::steady_clock::time_point start_, last_;
    void print(bool final);
};

} // namespace diming
