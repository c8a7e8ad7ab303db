#pragma once
// A throwaway PostgreSQL cluster for tests: initdb and pg_ctl (Debian's postgresql-15) in a
// fresh folder, listening only on a Unix socket there, fsync off; stopped and removed at
// scope exit. As root, the server runs as the `postgres` user (it refuses to run as root).

#include "support/temp_dir.hpp"

#include <libpq-fe.h>

#include <filesystem>
#include <string>
#include <vector>

namespace diming::testing {

class PostgresCluster {
public:
    PostgresCluster();  // throws std::runtime_error with initdb's or pg_ctl's output
    PostgresCluster(const PostgresCluster&) = delete;
    PostgresCluster& operator=(const PostgresCluster&) = delete;
    ~PostgresCluster();

    // libpq's connection string for a database of this cluster (superuser postgres).
    std::string conninfo(const std::string& database) const;
    void create_database(const std::string& name) const;
    // Runs SQL; the first column of the first row ("" when none). Throws with PostgreSQL's message.
    std::string query(const std::string& database, const std::string& sql) const;
    std::int64_t count(const std::string& database, const std::string& sql) const { return std::stoll(query(database, sql)); }

private:
    // initdb, pg_ctl…: as the postgres user when running as root.
    CommandResult run_server_program(const std::string& program, std::vector<std::string> args) const;

    std::filesystem::path dir_;
    std::filesystem::path bin_;
    bool as_postgres_ = false;
};

} // namespace diming::testing
