#include "tiles/tile_cache.hpp"

#include "core/digest.hpp"
#include "core/error.hpp"
#include "store/database.hpp"

#include <zlib.h>

#include <chrono>

namespace diming::tiles {

TileCache::TileCache(std::size_t max_bytes, std::size_t max_entries) : max_bytes_{max_bytes}, max_entries_{max_entries} {}

void TileCache::set_limits(std::size_t max_bytes, std::size_t max_entries) {
    std::lock_guard lock{mutex_};
    max_bytes_ = max_bytes;
    max_entries_ = max_entries;
    evict_over_bounds();
}

std::size_t TileCache::footprint(const CachedTile& t) {
    return entry_overhead + t.data.capacity() + t.gzipped.capacity() + t.etag.capacity() + t.last_modified.capacity();
}

void TileCache::evict_over_bounds() {
    while ((bytes_ > max_bytes_ || lru_.size() > max_entries_) && !lru_.empty()) {
        bytes_ -= lru_.back().bytes;
        index_.erase(lru_.back().key);
        lru_.pop_back();
    }
}

std::shared_ptr<const CachedTile> TileCache::get(TileId t) {
    std::lock_guard lock{mutex_};
    auto it = index_.find(key(t));
    if (it == index_.end()) return nullptr;
    lru_.splice(lru_.begin(), lru_, it->second);
    return it->second->tile;
}

void TileCache::put(TileId t, std::shared_ptr<const CachedTile> tile) {
    std::lock_guard lock{mutex_};
    const Key k = key(t);
    if (auto it = index_.find(k); it != index_.end()) {
        bytes_ -= it->second->bytes;
        lru_.erase(it->second);
        index_.erase(it);
    }
    const std::size_t cost = footprint(*tile);
    bytes_ += cost;
    lru_.push_front({k, std::move(tile), cost});
    index_[k] = lru_.begin();
    evict_over_bounds();
}

void TileCache::invalidate(const Box3857& box) {
    std::lock_guard lock{mutex_};
    for (auto it = lru_.begin(); it != lru_.end();) {
        const auto b = bounds(tile_of(it->key));
        // A tile's features reach a buffer beyond its edge: widen by a sixteenth of a tile.
        const double pad = (b.max_x - b.min_x) / 16;
        const bool touches = b.min_x - pad <= box.max_x && b.max_x + pad >= box.min_x && b.min_y - pad <= box.max_y && b.max_y + pad >= box.min_y;
        if (touches) {
            bytes_ -= it->bytes;
            index_.erase(it->key);
            it = lru_.erase(it);
        } else {
            ++it;
        }
    }
}

void TileCache::clear() {
    std::lock_guard lock{mutex_};
    lru_.clear();
    index_.clear();
    bytes_ = 0;
}

void TileCache::sync(const std::string& stamp) {
    std::lock_guard lock{mutex_};
    if (stamp == stamp_) return;
    lru_.clear();
    index_.clear();
    bytes_ = 0;
    stamp_ = stamp;
}

void TileCache::sync_after_own_write(const std::string& before, const std::string& after) {
    std::lock_guard lock{mutex_};
    if (before != stamp_) {
        lru_.clear();
        index_.clear();
        bytes_ = 0;
    }
    stamp_ = after;
}

bool TileCache::stamp_check_due() {
    const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
    auto due = next_check_ms_.load();
    return now >= due && next_check_ms_.compare_exchange_strong(due, now + 250);
}

std::size_t TileCache::bytes() const {
    std::lock_guard lock{mutex_};
    return bytes_;
}

std::size_t TileCache::size() const {
    std::lock_guard lock{mutex_};
    return index_.size();
}

std::string registry_stamp(store::Database& db) {
    auto& s = db.cached(
        "SELECT (SELECT coalesce(max(id), 0) FROM audit_log) || '/' || (SELECT coalesce(max(id), 0) FROM match_runs WHERE finished_at IS NOT NULL) "
        "|| '/' || (SELECT coalesce(max(id), 0) FROM datasets)");
    s.step();
    std::string stamp = s.column_text(0);
    s.reset();
    return stamp;
}

std::string gzip(const std::string& data) {
    z_stream zs{};
    // 15 + 16: a gzip header and trailer, not zlib's.
    if (deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) throw library_error{"zlib: deflateInit2 failed"};
    std::string out(deflateBound(&zs, static_cast<uLong>(data.size())) + 32, '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    zs.avail_in = static_cast<uInt>(data.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    const int rc = deflate(&zs, Z_FINISH);
    deflateEnd(&zs);
    if (rc != Z_STREAM_END) throw library_error{"zlib: deflate failed"};
    out.resize(zs.total_out);
    return out;
}

std::string tile_etag(const std::string& data) { return "\"" + sha256_hex(data).substr(0, 32) + "\""; }

} // namespace diming::tiles
