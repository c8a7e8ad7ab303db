#pragma once
// A small registry whose contents the server tests know by heart:
//   当湖街道: 人民路 (id 1, plates 1, 2, 3, 12 with building 1 and room 1单元101), 人民东路 (id 2,
//            alias 老东街, plates 1..250 for paging)
//   乍浦镇:   新人民路 (id 3), 长安路 (id 4, formerly 胜利路, plate 5)
//   a village: the natural village 朱家浜 (id 5, a point)
//   a match run over three police and three civil records.

#include <cstdint>
#include <filesystem>
#include <string>

namespace diming::testing {

constexpr int paging_plates = 250;

void build_registry(const std::filesystem::path& db_path);

// The first column of the first row of a query, read through a fresh read-only connection.
std::int64_t query_int(const std::filesystem::path& db_path, const std::string& sql);
std::string query_text(const std::filesystem::path& db_path, const std::string& sql);

// `diming token create` for the registry; the secret it prints. Throws if it fails.
std::string create_token(const std::filesystem::path& db_path, const std::string& name, const std::string& role);

// Adds 北环路 (id 6, in 当湖街道, east from 121.03 along 30.72) with `plates` door plates.
void add_long_road(const std::filesystem::path& db_path, int plates);

} // namespace diming::testing
