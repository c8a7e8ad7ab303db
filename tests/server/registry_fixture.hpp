#pragma once
// A small registry whose contents the server tests know by heart:
//   当湖街道: 人民路 (id 1, plates 1, 2, 3, 12 with building 1 and room 1单元101), 人民东路 (id 2,
//            alias 老东街, plates 1..250 for paging)
//   乍浦镇:   新人民路 (id 3), 长安路 (id 4, formerly 胜利路, plate 5)
//   a village: the natural village 朱家浜 (id 5, a point)
//   a match run over three police and three civil records.

#include <filesystem>

namespace diming::testing {

constexpr int paging_plates = 250;

void build_registry(const std::filesystem::path& db_path);

} // namespace diming::testing
