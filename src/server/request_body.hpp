#pragma once
// What the write routes share: a JSON body read field by field (400 naming the field), and
// running a write on the one writer connection. Internal to src/server.

#include "lookup/query.hpp"
#include "server/call.hpp"

#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace diming::server {

using nlohmann::json;

// A JSON body with only the named fields; typed accessors answer 400 naming the field.
class Body {
public:
    Body(const Call& c, std::initializer_list<const char*> allowed) : j_(c.json_body()) { // () not {}: {} would wrap it in an array
        for (const auto& [key, value] : j_.items()) {
            bool known = false;
            for (const char* a : allowed) known = known || key == a;
            if (!known) {
                std::string list;
                for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string{a};
                throw http_error{400, "bad_request", "unknown field '" + key + "' (fields: " + list + ")", key};
            }
        }
    }
    bool has(const char* k) const { return j_.contains(k) && !j_[k].is_null(); }
    std::string text(const char* k, bool required = true, std::size_t max = 200) const {
        if (!has(k)) {
            if (required) throw http_error{400, "bad_request", std::string{k} + " is required", k};
            return {};
        }
        if (!j_[k].is_string()) throw http_error{400, "bad_request", std::string{k} + " must be a string", k};
        return lookup::parse_text(j_[k].get<std::string>(), k, max);
    }
    // Free text (a reason, a note, a name's meaning): line feeds and tabs allowed.
    std::string prose(const char* k, std::size_t max) const {
        if (!has(k)) return {};
        if (!j_[k].is_string()) throw http_error{400, "bad_request", std::string{k} + " must be a string", k};
        return lookup::parse_text(j_[k].get<std::string>(), k, max, true);
    }
    std::optional<std::string> optional_prose(const char* k, std::size_t max = 2000) const {
        if (!has(k)) return std::nullopt;
        return prose(k, max);
    }
    std::int64_t integer(const char* k) const {
        if (!has(k)) throw http_error{400, "bad_request", std::string{k} + " must be a whole number", k};
        return whole_number(j_[k], k);
    }
    std::vector<std::string> strings(const char* k) const {
        std::vector<std::string> out;
        if (!has(k)) return out;
        if (!j_[k].is_array()) throw http_error{400, "bad_request", std::string{k} + " must be an array of strings", k};
        for (const auto& v : j_[k]) {
            if (!v.is_string()) throw http_error{400, "bad_request", std::string{k} + " must be an array of strings", k};
            out.push_back(v.get<std::string>());
        }
        return out;
    }
    std::vector<std::int64_t> integers(const char* k) const {
        std::vector<std::int64_t> out;
        if (!has(k)) return out;
        if (!j_[k].is_array() || j_[k].size() > 100'000) throw http_error{400, "bad_request", std::string{k} + " must be an array of ids", k};
        for (const auto& v : j_[k]) {
            if (!v.is_number_integer()) throw http_error{400, "bad_request", std::string{k} + " must be an array of ids", k};
            out.push_back(whole_number(v, k));
        }
        return out;
    }
    lookup::LonLat point(const char* k) const {
        if (!has(k) || !j_[k].is_array() || j_[k].size() != 2 || !j_[k][0].is_number() || !j_[k][1].is_number()) {
            throw http_error{400, "bad_request", std::string{k} + " must be [lon, lat]", k};
        }
        const double lon = j_[k][0].get<double>(), lat = j_[k][1].get<double>();
        if (!(lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90)) throw http_error{400, "bad_request", std::string{k} + " is not on the globe", k};
        return {lon, lat};
    }
    bool flag(const char* k) const {
        if (!has(k)) return false;
        if (!j_[k].is_boolean()) throw http_error{400, "bad_request", std::string{k} + " must be true or false", k};
        return j_[k].get<bool>();
    }
    const json& raw(const char* k) const { return j_[k]; }

private:
    // A JSON integer that fits an id: 18446744073709551615 is refused, not read as -1.
    static std::int64_t whole_number(const json& v, const char* k) {
        if (!v.is_number_integer()) throw http_error{400, "bad_request", std::string{k} + " must be a whole number", k};
        if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
            throw http_error{400, "bad_request", std::string{k} + " is too large (at most 9223372036854775807)", k};
        }
        return v.get<std::int64_t>();
    }
    json j_;
};

// Runs a write on the one writer connection; then the tiles it touched (a lon/lat box from
// `touched(db, result)`) are dropped from the tile cache.
template <class F, class T>
auto write(Call& c, F&& f, T&& touched) {
    std::lock_guard lock{c.state.writer_mutex};
    auto& db = *c.state.writer;
    const auto before = tiles::registry_stamp(db);
    auto result = f(db);
    c.state.tiles_changed(db, touched(db, result), before);
    return result;
}

template <class F>
auto write(Call& c, F&& f) {
    return write(c, std::forward<F>(f), [](store::Database&, const auto&) { return std::optional<lookup::BBox>{}; });
}

inline std::optional<lookup::BBox> indexed_box(store::Database& db, const char* table, std::int64_t id, double pad) {
    auto s = db.prepare(std::string{"SELECT xmin, ymin, xmax, ymax FROM idx_"} + table + "_geom WHERE pkid = ?1");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return lookup::BBox{s.column_double(0) - pad, s.column_double(1) - pad, s.column_double(2) + pad, s.column_double(3) + pad};
}
// The box around several records of one table (nothing if none is indexed).
inline std::optional<lookup::BBox> indexed_box(store::Database& db, const char* table, const std::vector<std::int64_t>& ids, double pad) {
    auto s = db.prepare(std::string{"SELECT min(xmin), min(ymin), max(xmax), max(ymax) FROM idx_"} + table +
                        "_geom WHERE pkid IN (SELECT value FROM json_each(?1))");
    s.bind(1, json(ids).dump());
    if (!s.step() || s.is_null(0)) return std::nullopt;
    return lookup::BBox{s.column_double(0) - pad, s.column_double(1) - pad, s.column_double(2) + pad, s.column_double(3) + pad};
}
// A place name's box, wide enough for the plates along it (they stand within 300 m).
inline auto place_touched(std::int64_t id) {
    return [id](store::Database& db, const auto&) { return indexed_box(db, "place_names", id, 0.004); };
}

} // namespace diming::server
