#pragma once
// A bounded multi-thread queue for producer/consumer pipelines (the importer reads and
// parses on one core while the other writes to SQLite). close() ends both sides: push()
// then returns false and pop() returns nullopt once drained.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>

namespace diming {

template <class T>
class BoundedQueue {
public:
    explicit BoundedQueue(std::size_t capacity) : capacity_{capacity} {}

    bool push(T item) {
        std::unique_lock lock{mutex_};
        not_full_.wait(lock, [&] { return closed_ || items_.size() < capacity_; });
        if (closed_) return false;
        items_.push_back(std::move(item));
        not_empty_.notify_one();
        return true;
    }

    std::optional<T> pop() {
        std::unique_lock lock{mutex_};
        not_empty_.wait(lock, [&] { return closed_ || !items_.empty(); });
        if (items_.empty()) return std::nullopt;
        T item = std::move(items_.front());
        items_.pop_front();
        not_full_.notify_one();
        return item;
    }

    void close() {
        std::lock_guard lock{mutex_};
        closed_ = true;
        not_empty_.notify_all();
        not_full_.notify_all();
    }

private:
    std::size_t capacity_;
    std::deque<T> items_;
    bool closed_ = false;
    std::mutex mutex_;
    std::condition_variable not_empty_, not_full_;
};

// Items numbered 0, 1, 2… by several producers working in parallel, taken by one consumer
// in their numbers' order. push(n) waits while n is a window's width ahead of the next item
// to be taken, so memory stays bounded; the producer of that next item is never kept
// waiting, so the pipeline cannot lock. close() ends both sides as BoundedQueue's does.
template <class T>
class SequencedQueue {
public:
    explicit SequencedQueue(std::size_t window) : window_{window} {}

    bool push(std::uint64_t n, T item) {
        std::unique_lock lock{mutex_};
        not_full_.wait(lock, [&] { return closed_ || n < next_ + window_; });
        if (closed_) return false;
        items_.emplace(n, std::move(item));
        if (n == next_) ready_.notify_one();
        return true;
    }

    // The next item in order; nullopt once closed and that item never came.
    std::optional<T> pop() {
        std::unique_lock lock{mutex_};
        ready_.wait(lock, [&] { return closed_ || items_.contains(next_); });
        auto it = items_.find(next_);
        if (it == items_.end()) return std::nullopt;
        T item = std::move(it->second);
        items_.erase(it);
        ++next_;
        not_full_.notify_all();
        return item;
    }

    void close() {
        std::lock_guard lock{mutex_};
        closed_ = true;
        ready_.notify_all();
        not_full_.notify_all();
    }

private:
    std::size_t window_;
    std::uint64_t next_ = 0;
    std::map<std::uint64_t, T> items_;
    bool closed_ = false;
    std::mutex mutex_;
    std::condition_variable ready_, not_full_;
};

} // namespace diming
