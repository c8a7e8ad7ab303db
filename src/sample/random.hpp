#pragma once
// Deterministic randomness for the sample generator: the same seed gives the same bytes on
// every platform (std::*_distribution are implementation-defined, so they are not used).

#include <algorithm>
#include <cstdint>
#include <vector>

namespace diming::sample {

class Random {
public:
    explicit Random(std::uint64_t seed) : state_{seed ^ 0x9E3779B97F4A7C15ULL} {}

    // splitmix64
    std::uint64_t next() noexcept {
        std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    // [0, 1)
    double uniform() noexcept { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    double uniform(double lo, double hi) noexcept { return lo + (hi - lo) * uniform(); }
    // [0, n)
    std::uint64_t below(std::uint64_t n) noexcept { return n == 0 ? 0 : next() % n; }
    int between(int lo, int hi) noexcept { return lo + static_cast<int>(below(static_cast<std::uint64_t>(hi - lo + 1))); }
    bool chance(double p) noexcept { return uniform() < p; }
    template <class T>
    const T& pick(const std::vector<T>& v) noexcept { return v[below(v.size())]; }
    // An independent stream derived from this one (so adding draws in one part of the
    // generator does not shift every other part).
    Random fork(std::uint64_t salt) noexcept { return Random{next() ^ (salt * 0xD1B54A32D192ED03ULL)}; }

private:
    std::uint64_t state_;
};

// A requested rate applied to a stream of eligible records: a Bernoulli draw whose
// probability is nudged by the running shortfall, so that the realised rate stays within a
// fraction of a percentage point of the request while remaining random per record.
class Rate {
public:
    explicit Rate(double requested = 0) : requested_{requested} {}

    bool decide(Random& rng) noexcept {
        const double shortfall = requested_ * static_cast<double>(eligible_) - static_cast<double>(applied_);
        const double p = std::clamp(requested_ + shortfall / 25.0, 0.0, 1.0);
        ++eligible_;
        const bool yes = requested_ > 0 && rng.uniform() < p;
        if (yes) ++applied_;
        return yes;
    }

    double requested() const noexcept { return requested_; }
    std::int64_t eligible() const noexcept { return eligible_; }
    std::int64_t applied() const noexcept { return applied_; }

private:
    double requested_;
    std::int64_t eligible_ = 0;
    std::int64_t applied_ = 0;
};

} // namespace diming::sample
