#include "core/progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace diming {

Progress::Progress(std::string label, std::int64_t total, bool enabled)
    : label_{std::move(label)}, total_{total}, enabled_{enabled}, tty_{isatty(STDERR_FILENO) == 1},
      start_{std::chrono::steady_clock::now()}, last_{start_} {}

double Progress::elapsed_seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void Progress::advance(std::int64_t n) {
    done_ += n;
    if (!enabled_ || (done_ & 1023) != 0) return;
    const auto now = std::chrono::steady_clock::now();
    const auto every = tty_ ? std::chrono::milliseconds{200} : std::chrono::milliseconds{5000};
    if (now - last_ < every) return;
    last_ = now;
    print(false);
}

void Progress::print(bool final) {
    const double secs = elapsed_seconds();
    const double rate = secs > 0 ? static_cast<double>(done_) / secs : 0;
    char line[256];
    if (total_ > 0) {
        const double frac = std::min(1.0, static_cast<double>(done_) / static_cast<double>(total_));
        const int width = 24, filled = static_cast<int>(frac * width);
        std::string bar(static_cast<std::size_t>(filled), '#');
        bar.resize(width, '.');
        const double eta = rate > 0 ? static_cast<double>(total_ - done_) / rate : 0;
        std::snprintf(line, sizeof line, "%s [%s] %lld/%lld rows, %.0f rows/s, ETA %.0f s", label_.c_str(), bar.c_str(),
                      static_cast<long long>(done_), static_cast<long long>(total_), rate, final ? 0.0 : eta);
    } else {
        std::snprintf(line, sizeof line, "%s %lld rows, %.0f rows/s", label_.c_str(), static_cast<long long>(done_), rate);
    }
    if (tty_) std::fprintf(stderr, "\r%s\033[K%s", line, final ? "\n" : "");
    else std::fprintf(stderr, "%s\n", line);
}

void Progress::finish() {
    if (enabled_) print(true);
}

} // namespace diming
