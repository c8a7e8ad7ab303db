#include "server/admission.hpp"

#include "core/error.hpp"

namespace diming::server {

Admission::Admission(int slots) : slots_{slots} {
    if (slots < 1) throw input_error{"--concurrent-reads must be at least 1"};
}

Admission::Load Admission::load() const {
    std::lock_guard lock{mutex_};
    return {running_, static_cast<int>(waiting_.size())};
}

void Admission::enter() {
    std::unique_lock lock{mutex_};
    if (running_ < slots_ && waiting_.empty()) {
        ++running_;
        return;
    }
    Waiter me;
    waiting_.push_back(&me);
    me.wake.wait(lock, [&] { return me.admitted; });
}

void Admission::leave() {
    std::lock_guard lock{mutex_};
    if (waiting_.empty()) {
        --running_;
        return;
    }
    // The slot passes straight to the longest waiter, so a newcomer cannot overtake it.
    Waiter* next = waiting_.front();
    waiting_.pop_front();
    next->admitted = true;
    next->wake.notify_one();
}

} // namespace diming::server
