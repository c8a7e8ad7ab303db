#pragma once
// Built tiles kept in memory, least recently used out first, bounded in bytes. Writes the
// server makes invalidate the tiles they touch; a change made elsewhere (an import or a match
// run from the command line) is noticed by the registry's stamp and empties the cache.

#include "tiles/tile_id.hpp"

#include <atomic>
#include <cstdint>
#include <ctime>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace diming::store {
class Database;
}

namespace diming::tiles {

struct CachedTile {
    std::string data;
    std::string gzipped;  // the same, gzip-compressed once, for clients that accept it
    std::string etag;     // quoted, as sent
    std::time_t built_at;
    std::string last_modified; // built_at as an HTTP date
};

// Bounded in the bytes its entries really hold (the tile, its gzip copy, ETag and date, and a
// fixed cost per entry for the list, index and shared pointer), and in entries: an empty tile
// costs little but not nothing, and a client asking for every z20 tile must not grow the
// process without end.
class TileCache {
public:
    static constexpr std::size_t entry_overhead = 256; // list node, index node and bucket, control block, CachedTile
    explicit TileCache(std::size_t max_bytes = 256u << 20, std::size_t max_entries = 250'000);
    void set_limits(std::size_t max_bytes, std::size_t max_entries);
    // What an entry for this tile counts against the bound.
    static std::size_t footprint(const CachedTile& tile);
    std::shared_ptr<const CachedTile> get(TileId t);
    void put(TileId t, std::shared_ptr<const CachedTile> tile);
    // Drops every cached tile (any zoom) that intersects the box.
    void invalidate(const Box3857& box);
    void clear();
    // Empties the cache if the registry changed since `stamp` was last seen (adopting it).
    void sync(const std::string& stamp);
    // Whether it is time to compare the registry's stamp again (true at most every 250 ms).
    bool stamp_check_due();
    // After a write whose tiles were invalidated one by one: adopts the new stamp, unless the
    // registry had changed elsewhere before it (then everything goes).
    void sync_after_own_write(const std::string& before, const std::string& after);
    std::size_t bytes() const;
    std::size_t size() const;

private:
    using Key = std::uint64_t;
    static Key key(TileId t) { return (std::uint64_t(t.z) << 48) | (std::uint64_t(t.x) << 24) | t.y; }
    static TileId tile_of(Key k) { return {int(k >> 48), std::uint32_t((k >> 24) & 0xFFFFFF), std::uint32_t(k & 0xFFFFFF)}; }
    struct Entry {
        Key key;
        std::shared_ptr<const CachedTile> tile;
        std::size_t bytes;
    };
    void evict_over_bounds(); // under mutex_
    mutable std::mutex mutex_;
    std::list<Entry> lru_; // most recent first
    std::unordered_map<Key, std::list<Entry>::iterator> index_;
    std::size_t bytes_ = 0;
    std::size_t max_bytes_, max_entries_;
    std::string stamp_;
    std::atomic<std::int64_t> next_check_ms_{0};
};

// What identifies the registry's state for the cache: the last audit entry, match run and
// dataset (every write diming makes leaves one of them).
std::string registry_stamp(store::Database& db);

// gzip (RFC 1952) of the bytes: served tiles and MBTiles store them so.
std::string gzip(const std::string& data);

// A strong ETag for tile bytes.
std::string tile_etag(const std::string& data);

} // namespace diming::tiles
