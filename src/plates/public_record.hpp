#pragma once
// What anyone may read of a plate, found by the public code its QR code carries: the
// standard address, its pinyin, the road's name history, the addresses it had before, where
// it is. Nothing private (no applicant, no household, no internal ids).

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace diming::store {
class Database;
}

namespace diming::plates {

// The plate's public code, given one in this (open) transaction if it has none yet.
std::string plate_code_in(store::Database& db, std::int64_t door_plate_id);
// The code a plate has, if it has one.
std::optional<std::string> plate_code(store::Database& db, std::int64_t door_plate_id);
// Whether `code` has the form of a public code (16 lower-case hex digits).
bool is_plate_code(const std::string& code);

std::optional<nlohmann::json> public_plate_record(store::Database& db, const std::string& code);

} // namespace diming::plates
