// The admission of reads (src/server/admission.hpp): a bound on how many run, and turns
// given in arrival order.

#include <catch2/catch.hpp>

#include "server/admission.hpp"

#include <algorithm>
#include <chrono>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
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

// Starts `n` readers one after another, each only once the one before is queued (so that
// their arrival order is known), while the caller holds every slot; then frees the slots.
// Returns the order in which the readers got in and the most that were in at once.
std::pair<std::vector<int>, int> queue_readers(Admission& reads, int n) {
    std::vector<std::optional<Admission::Slot>> held(static_cast<std::size_t>(reads.slots()));
    for (auto& h : held) h.emplace(reads);
    std::mutex m;
    std::vector<int> order;
    int inside = 0;
    int most_inside = 0;
    std::vector<std::thread> readers;
    for (int i = 0; i < n; ++i) {
        readers.emplace_back([&, i] {
            const Admission::Slot slot{reads};
            {
                std::lock_guard lock{m};
                order.push_back(i);
                most_inside = std::max(most_inside, ++inside);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
            std::lock_guard lock{m};
            --inside;
        });
        REQUIRE(eventually([&] { return reads.load().waiting == i + 1; }));
    }
    {
        std::lock_guard lock{m};
        CHECK(order.empty()); // nobody got past the held slots
    }
    for (auto& h : held) h.reset();
    for (auto& t : readers) t.join();
    return {order, most_inside};
}

} // namespace

TEST_CASE("waiting reads are admitted in the order they came") {
    // One slot: the order in which readers get in is the order in which they record it.
    Admission reads{1};
    const auto [order, most_inside] = queue_readers(reads, 8);
    CHECK(order == std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7});
    CHECK(most_inside == 1);
    CHECK(reads.load().running == 0);
    CHECK(reads.load().waiting == 0);
}

TEST_CASE("no more reads run than there are slots") {
    Admission reads{3};
    const auto [order, most_inside] = queue_readers(reads, 12);
    CHECK(order.size() == 12);
    CHECK(most_inside <= 3);
    CHECK(most_inside >= 2); // the freed slots were used side by side
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
