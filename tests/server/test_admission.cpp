// The admission of reads (src/server/admission.hpp): a bound on how many run, and turns
// given in arrival order.

#include <catch2/catch.hpp>

#include "server/admission.hpp"

#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

using diming::server::Admission;

namespace {

// Polls until `done` holds, for at most five seconds.
template <class F>
bool eventually(F done) {
    for (int i = 0; i < 500; ++i) {
        if (done()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return done();
}

} // namespace

TEST_CASE("no more reads run than there are slots, and waiting reads are admitted in the order they came") {
    Admission reads{2};
    // Both slots taken: everyone after this waits.
    std::optional<Admission::Slot> first{std::in_place, reads};
    std::optional<Admission::Slot> second{std::in_place, reads};
    CHECK(reads.load().running == 2);

    std::mutex m;
    std::vector<int> order;
    std::atomic<int> inside{0};
    std::atomic<int> most_inside{0};
    std::vector<std::thread> readers;
    constexpr int n = 8;
    for (int i = 0; i < n; ++i) {
        readers.emplace_back([&, i] {
            const Admission::Slot slot{reads};
            const int now = ++inside;
            int seen = most_inside.load();
            while (now > seen && !most_inside.compare_exchange_weak(seen, now)) {
            }
            {
                std::lock_guard lock{m};
                order.push_back(i);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
            --inside;
        });
        // The next reader starts only once this one is queued, so arrival order is known.
        REQUIRE(eventually([&] { return reads.load().waiting == i + 1; }));
    }
    CHECK(order.empty());
    first.reset();
    second.reset();
    for (auto& t : readers) t.join();

    std::vector<int> expected;
    for (int i = 0; i < n; ++i) expected.push_back(i);
    CHECK(order == expected);
    CHECK(most_inside.load() <= 2);
    CHECK(most_inside.load() >= 1);
    CHECK(reads.load().running == 0);
    CHECK(reads.load().waiting == 0);
}

TEST_CASE("a slot is free again when its reader fails") {
    Admission reads{1};
    try {
        const Admission::Slot slot{reads};
        throw std::runtime_error{"the read failed"};
    } catch (const std::runtime_error&) {
    }
    CHECK(reads.load().running == 0);
    const Admission::Slot again{reads}; // would wait forever if the slot had been lost
    CHECK(reads.load().running == 1);
    CHECK_THROWS(Admission{0});
}
