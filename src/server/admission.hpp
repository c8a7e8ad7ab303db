#pragma once
// Lets a bounded number of requests read the registry at once, in the order they asked.
// Internal to src/server.
//
// Why: each keep-alive connection holds a worker thread, so with 64 clients 64 threads
// want the two cores at once. Left to the scheduler they share them in time slices and a
// page's latency depends on how they happened to interleave: under `wrk -c64` the 99th
// percentile of OGC pages was four times the median. Admitted in arrival order, a request
// waits for the ones before it and then runs nearly alone; the median barely moves, the
// tail shrinks to about one and a half times it, and fewer context switches leave more of
// the cores for the work.

#include <condition_variable>
#include <deque>
#include <mutex>

namespace diming::server {

class Admission {
public:
    explicit Admission(int slots);
    Admission(const Admission&) = delete;
    Admission& operator=(const Admission&) = delete;

    // Holds one slot from admission until destruction.
    class Slot {
    public:
        explicit Slot(Admission& a) : admission_{&a} { a.enter(); }
        Slot(const Slot&) = delete;
        Slot& operator=(const Slot&) = delete;
        ~Slot() { admission_->leave(); }

    private:
        Admission* admission_;
    };

    int slots() const noexcept { return slots_; }
    struct Load {
        int running;
        int waiting;
    };
    Load load() const;

private:
    struct Waiter {
        std::condition_variable wake;
        bool admitted = false;
    };
    void enter();
    void leave();

    const int slots_;
    mutable std::mutex mutex_;
    int running_ = 0;
    std::deque<Waiter*> waiting_; // first come, first admitted
};

} // namespace diming::server
