#pragma once
// A small registry whose contents the server tests know by heart:
//   当湖街道: 人民路 (id 1, plates 1, 2, 3, 12 with building 1 and room 1单元101), 人民东路 (id 2,
//            alias 老东街, plates 1..250 for paging)
//   乍浦镇:   新人民路 (id 3), 长安路 (id 4, formerly 胜利路, plate 5)
//   a village: the natural village 朱家浜 (id 5, a point)
//   a match run over three police and three civil records.

#include "support/server_process.hpp"
#include "support/temp_dir.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

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

// The registry above in a temporary folder, served by a real `diming serve` once serve() is
// called (a test adds its tokens or data first), with the requests every server test makes.
struct ServedRegistry {
    TempDir dir;
    std::filesystem::path db = dir / "registry.sqlite";
    std::unique_ptr<ServerProcess> server;

    ServedRegistry() { build_registry(db); }
    void serve(std::vector<std::string> server_args) { server = std::make_unique<ServerProcess>(db, std::move(server_args)); }

    httplib::Result get(const std::string& path, const httplib::Headers& headers = {}) const;
    // GET requiring an answer with `status` and Content-Type `type`; its body, parsed.
    nlohmann::json get_json(const std::string& path, int status = 200, const std::string& type = "application/json") const;
    std::int64_t count(const std::string& sql) const { return query_int(db, sql); }
    std::string text(const std::string& sql) const { return query_text(db, sql); }
    std::string token(const std::string& name, const std::string& role) const { return create_token(db, name, role); }
};

} // namespace diming::testing
