#include "store/database.hpp"
#include "store/spatial_index.hpp"

#include <cctype>
#include <mutex>

namespace diming::store {

namespace {

[[noreturn]] void throw_sqlite(sqlite3* db, std::string_view what) {
    const char* file = db ? sqlite3_db_filename(db, "main") : nullptr;
    std::string msg = (file && *file) ? std::string{file} + ": " : std::string{};
    msg += std::string{what} + ": " + (db ? sqlite3_errmsg(db) : "out of memory");
    throw database_error{msg};
}

} // namespace

std::string checked_identifier(const std::string& name) {
    for (char c : name) {
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) throw database_error{"bad identifier: " + name};
    }
    return name;
}

std::string describe_error(sqlite3* db, const std::filesystem::path& path) {
    return path.string() + ": " + (db ? sqlite3_errmsg(db) : "out of memory");
}

// ---- Statement -----------------------------------------------------------------------

Statement::Statement(sqlite3* db, std::string_view sql) : db_{db} {
    sqlite3_stmt* raw = nullptr;
    const int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                                      &raw, nullptr);
    stmt_.reset(raw);
    if (rc != SQLITE_OK) throw_sqlite(db, "cannot prepare statement");
}

void Statement::check_bind(int rc, int index) {
    if (rc != SQLITE_OK) throw_sqlite(db_, "cannot bind parameter " + std::to_string(index));
}

Statement& Statement::bind(int index, std::nullptr_t) {
    check_bind(sqlite3_bind_null(stmt_.get(), index), index);
    return *this;
}
Statement& Statement::bind(int index, std::int64_t value) {
    check_bind(sqlite3_bind_int64(stmt_.get(), index, value), index);
    return *this;
}
Statement& Statement::bind(int index, double value) {
    check_bind(sqlite3_bind_double(stmt_.get(), index, value), index);
    return *this;
}
Statement& Statement::bind(int index, std::string_view value) {
    check_bind(sqlite3_bind_text64(stmt_.get(), index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8),
               index);
    return *this;
}
Statement& Statement::bind_unowned(int index, std::string_view value) {
    check_bind(sqlite3_bind_text64(stmt_.get(), index, value.data(), value.size(), SQLITE_STATIC, SQLITE_UTF8), index);
    return *this;
}
Statement& Statement::bind_blob(int index, const void* data, std::size_t size) {
    check_bind(sqlite3_bind_blob64(stmt_.get(), index, data, size, SQLITE_TRANSIENT), index);
    return *this;
}

bool Statement::step() {
    const int rc = sqlite3_step(stmt_.get());
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    // Keep SQLite's message before reset() clears it.
    std::string msg = sqlite3_errmsg(db_);
    sqlite3_reset(stmt_.get());
    const char* file = sqlite3_db_filename(db_, "main");
    throw database_error{(file && *file ? std::string{file} + ": " : std::string{}) + msg};
}

void Statement::run() {
    while (step()) {
    }
    reset();
}

void Statement::reset() {
    sqlite3_reset(stmt_.get());
    sqlite3_clear_bindings(stmt_.get());
}

bool Statement::is_null(int column) const { return sqlite3_column_type(stmt_.get(), column) == SQLITE_NULL; }
std::int64_t Statement::column_int(int column) const { return sqlite3_column_int64(stmt_.get(), column); }
double Statement::column_double(int column) const { return sqlite3_column_double(stmt_.get(), column); }
int Statement::column_count() const { return sqlite3_column_count(stmt_.get()); }

std::string Statement::column_text(int column) const {
    const auto* p = sqlite3_column_text(stmt_.get(), column);
    if (!p) return {};
    return std::string{reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_.get(), column))};
}

std::optional<std::string> Statement::column_text_opt(int column) const {
    if (is_null(column)) return std::nullopt;
    return column_text(column);
}

std::optional<std::int64_t> Statement::column_int_opt(int column) const {
    if (is_null(column)) return std::nullopt;
    return column_int(column);
}

// ---- Database ------------------------------------------------------------------------

namespace {

void refuse_foreign_database(const Database& db) {
    const std::string file = db.path().string();
    auto tables = db.prepare("SELECT count(*) FROM sqlite_schema");
    if (!tables.step() || tables.column_int(0) == 0) return; // a new or empty file
    if (db.has_table("schema_migrations")) {
        auto first = db.prepare("SELECT name FROM schema_migrations WHERE version = 1");
        if (first.step() && first.column_text(0) == "spatial_metadata") return;
    }
    auto app = db.prepare("PRAGMA application_id");
    const bool gpkg = (app.step() && app.column_int(0) == 0x47504B47) || db.has_table("gpkg_contents");
    const bool mbtiles = db.has_table("tiles") && db.has_table("metadata");
    const std::string what = gpkg ? "a GeoPackage" : mbtiles ? "an MBTiles file" : "an SQLite database of something else";
    throw database_error{file + ": is " + what + ", not a diming registry, so diming will not write to it (nothing was changed). "
                         "--db names the registry (made by `diming init --db REGISTRY.sqlite`); a dataset to import is the last "
                         "argument: diming import --db REGISTRY.sqlite --source … --profile … " + file};
}

} // namespace

Database Database::open(const std::filesystem::path& path, Access access) {
    // SQLite's memory statistics take one process-wide mutex on every allocation: with the
    // server's dozens of reader threads that mutex was the hottest lock (measured with perf).
    // Only possible before SQLite initialises; if something else initialised it first, the
    // call fails harmlessly.
    static std::once_flag configured;
    std::call_once(configured, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
    int flags = SQLITE_OPEN_NOMUTEX; // one connection per thread, as the server's workers use them
    switch (access) {
    case Access::read_only: flags |= SQLITE_OPEN_READONLY; break;
    case Access::read_write: flags |= SQLITE_OPEN_READWRITE; break;
    case Access::create: flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE; break;
    }
    // The error_code forms: a symlink loop or an unreadable folder is a clear error, not a crash.
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (status.type() == std::filesystem::file_type::not_found) {
        if (access != Access::create) {
            throw database_error{path.string() + ": no such database (create it with `diming init --db " + path.string() + "`)"};
        }
    } else if (ec) {
        throw database_error{path.string() + ": cannot be opened: " + ec.message()};
    } else if (status.type() != std::filesystem::file_type::regular) {
        throw database_error{path.string() + ": is not a database file (a folder or a device)"};
    }
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
    Database db{raw, path};
    if (rc != SQLITE_OK) throw database_error{describe_error(raw, path)};

    // Load SpatiaLite through the C API only; SQL's load_extension() stays disabled.
    sqlite3_db_config(raw, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 1, nullptr);
    char* err = nullptr;
    if (sqlite3_load_extension(raw, "mod_spatialite", nullptr, &err) != SQLITE_OK) {
        std::string reason = err ? err : "unknown reason";
        sqlite3_free(err);
        throw database_error{path.string() + ": cannot load SpatiaLite (mod_spatialite): " + reason +
                             " (install the Debian package libsqlite3-mod-spatialite)"};
    }
    sqlite3_db_config(raw, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, nullptr);

    register_spatial_callbacks(raw);
    sqlite3_busy_timeout(raw, 10000);
    db.exec("PRAGMA foreign_keys = ON");
    if (access != Access::read_only) {
        // Before the first write (journal mode included): only diming's own registries, or an
        // empty file, are ever written to. A GeoPackage or any other SQLite file given as
        // --db (a user swapping arguments) is refused untouched.
        refuse_foreign_database(db);
        db.exec("PRAGMA journal_mode = WAL");
        db.exec("PRAGMA synchronous = NORMAL");
    } else {
        // Readers map the file instead of copying each page into a private cache: the
        // server's workers then share the operating system's page cache.
        db.exec("PRAGMA mmap_size = 17179869184");
    }
    // Confirm the file really is a database (open_v2 is lazy).
    db.exec("SELECT count(*) FROM sqlite_schema");
    return db;
}

Statement& Database::cached(std::string_view sql) {
    if (!cache_) cache_ = std::make_unique<std::unordered_map<std::string, Statement>>();
    std::string key{sql};
    auto it = cache_->find(key);
    if (it == cache_->end()) it = cache_->emplace(std::move(key), Statement{db_.get(), sql}).first;
    it->second.reset();
    return it->second;
}

void Database::exec(std::string_view sql) {
    const std::string text{sql};
    char* err = nullptr;
    if (sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
        std::string reason = err ? err : sqlite3_errmsg(db_.get());
        sqlite3_free(err);
        throw database_error{path_.string() + ": " + reason};
    }
}

bool Database::has_table(std::string_view name) const {
    auto st = prepare("SELECT 1 FROM sqlite_schema WHERE type IN ('table','view') AND name = ?1");
    st.bind(1, name);
    return st.step();
}

// ---- Transaction ---------------------------------------------------------------------

Transaction::Transaction(Database& db) : db_{db} { db_.exec("BEGIN IMMEDIATE"); }

Transaction::~Transaction() {
    if (open_) sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
    db_.exec("COMMIT");
    open_ = false;
}

ReadSnapshot::ReadSnapshot(Database& db) : db_{db}, owned_{sqlite3_get_autocommit(db.handle()) != 0} {
    if (!owned_) return; // already inside a transaction, whose snapshot holds
    auto& begin = db_.cached("BEGIN");
    begin.step();
    begin.reset();
}

ReadSnapshot::~ReadSnapshot() {
    if (!owned_) return;
    // Nothing was written: ending the transaction only releases the snapshot.
    try {
        auto& commit = db_.cached("COMMIT");
        commit.step();
        commit.reset();
    } catch (...) {
        sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    }
}

} // namespace diming::store
