#include "support/postgres_cluster.hpp"

#include "support/temp_dir.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <vector>

namespace diming::testing {

namespace {

std::filesystem::path postgres_bin() {
    // Debian keeps the server's programs out of PATH; pg_config (libpq-dev) says where.
    const auto r = run_program("pg_config", {"--bindir"});
    std::string dir = r.out;
    while (!dir.empty() && (dir.back() == '\n' || dir.back() == ' ')) dir.pop_back();
    if (r.exit_code == 0 && std::filesystem::exists(std::filesystem::path{dir} / "initdb")) return dir;
    for (const char* d : {"/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin"}) {
        if (std::filesystem::exists(std::filesystem::path{d} / "initdb")) return d;
    }
    throw std::runtime_error{"no PostgreSQL server programs (initdb): install postgresql-15 (./dev test does)"};
}

struct ConnFinish { void operator()(PGconn* c) const noexcept { PQfinish(c); } };
struct ResultClear { void operator()(PGresult* r) const noexcept { PQclear(r); } };

} // namespace

PostgresCluster::PostgresCluster() : bin_{postgres_bin()} {
    char pattern[] = "/tmp/diming-pg-XXXXXX";
    if (!mkdtemp(pattern)) throw std::runtime_error{"cannot make a folder for the PostgreSQL cluster"};
    dir_ = pattern;
    as_postgres_ = geteuid() == 0;
    if (as_postgres_) {
        const passwd* pw = getpwnam("postgres");
        if (!pw) throw std::runtime_error{"running as root, and there is no postgres user to run the server as (install postgresql-15)"};
        if (chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) throw std::runtime_error{"cannot hand " + dir_.string() + " to the postgres user"};
    }
    const auto data = (dir_ / "data").string();
    auto init = run_server_program("initdb", {"-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"});
    if (init.exit_code != 0) throw std::runtime_error{"initdb failed: " + init.out + init.err};
    auto start = run_server_program("pg_ctl", {"-D", data, "-l", (dir_ / "server.log").string(), "-w", "-t", "60", "-o",
                                "-k " + dir_.string() + " -c listen_addresses= -c fsync=off -c full_page_writes=off", "start"});
    if (start.exit_code != 0) throw std::runtime_error{"pg_ctl start failed: " + start.out + start.err + read_file(dir_ / "server.log")};
}

PostgresCluster::~PostgresCluster() {
    run_server_program("pg_ctl", {"-D", (dir_ / "data").string(), "-m", "immediate", "-w", "stop"});
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
}

CommandResult PostgresCluster::run_server_program(const std::string& program, std::vector<std::string> args) const {
    const std::string path = (bin_ / program).string();
    if (!as_postgres_) return run_program(path, args);
    args.insert(args.begin(), {"-u", "postgres", "--", path});
    return run_program("runuser", args);
}

std::string PostgresCluster::conninfo(const std::string& database) const {
    return "host=" + dir_.string() + " dbname=" + database + " user=postgres";
}

void PostgresCluster::create_database(const std::string& name) const { query("postgres", "CREATE DATABASE " + name); }

std::string PostgresCluster::query(const std::string& database, const std::string& sql) const {
    std::unique_ptr<PGconn, ConnFinish> c{PQconnectdb(conninfo(database).c_str())};
    if (PQstatus(c.get()) != CONNECTION_OK) throw std::runtime_error{std::string{"cannot connect: "} + PQerrorMessage(c.get())};
    std::unique_ptr<PGresult, ResultClear> r{PQexec(c.get(), sql.c_str())};
    const auto status = PQresultStatus(r.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) throw std::runtime_error{sql + ": " + PQresultErrorMessage(r.get())};
    if (status == PGRES_TUPLES_OK && PQntuples(r.get()) > 0 && PQnfields(r.get()) > 0) return PQgetvalue(r.get(), 0, 0);
    return "";
}

} // namespace diming::testing
