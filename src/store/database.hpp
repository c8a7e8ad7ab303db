#pragma once
// A SpatiaLite database connection and the only RAII wrappers for sqlite3* and
// sqlite3_stmt* in diming. SQL reaches SQLite only through prepared statements with bound
// parameters; exec() is for fixed SQL text (migrations, pragmas), never for values.

#include "core/error.hpp"

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace diming::store {

// A database could not be opened, read or written: the message names the file and SQLite's reason.
class database_error : public diming::error {
public:
    using error::error;
};

enum class Access {
    read_only,  // a reader: query only
    read_write, // an existing file
    create,     // create the file if missing
};

class Statement {
public:
    Statement(sqlite3* db, std::string_view sql);
    Statement(Statement&&) noexcept = default;
    Statement& operator=(Statement&&) noexcept = default;

    // Parameters are 1-based, as in SQLite.
    Statement& bind(int index, std::nullptr_t);
    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
    Statement& bind(int index, double value);
    Statement& bind(int index, std::string_view value);
    Statement& bind(int index, const char* value) { return bind(index, std::string_view{value}); }
    Statement& bind(int index, const std::string& value) { return bind(index, std::string_view{value}); }
    Statement& bind_blob(int index, const void* data, std::size_t size);
    // Text SQLite reads in place instead of copying: it must stay unchanged until the
    // statement's next step, reset or rebinding (bulk writers binding a batch's own strings).
    Statement& bind_unowned(int index, std::string_view value);
    template <class T>
    Statement& bind(int index, const std::optional<T>& value) {
        return value ? bind(index, *value) : bind(index, nullptr);
    }

    // Binds every argument in order from parameter 1.
    template <class... Args>
    Statement& bind_all(const Args&... args) {
        int i = 0;
        (bind(++i, args), ...);
        return *this;
    }

    // Advances; true while there is a row to read.
    bool step();
    // Steps a statement that must not return rows (INSERT/UPDATE/DELETE) and resets it.
    void run();
    void reset();

    bool is_null(int column) const;
    std::int64_t column_int(int column) const;
    double column_double(int column) const;
    std::string column_text(int column) const; // "" for NULL
    std::optional<std::string> column_text_opt(int column) const;
    std::optional<std::int64_t> column_int_opt(int column) const;
    int column_count() const;

    sqlite3_stmt* get() const noexcept { return stmt_.get(); }

private:
    struct Finalizer { void operator()(sqlite3_stmt* s) const noexcept { sqlite3_finalize(s); } };
    std::unique_ptr<sqlite3_stmt, Finalizer> stmt_;
    sqlite3* db_ = nullptr;

    void check_bind(int rc, int index);
};

// A table or column name diming's own code puts into SQL text (never one from input): returned
// as it is when made only of letters, digits and '_', refused otherwise.
std::string checked_identifier(const std::string& name);

class Database {
public:
    // Opens the file with SpatiaLite loaded, foreign keys on, WAL journal (writers) and a
    // busy timeout, so that every connection in diming behaves the same.
    static Database open(const std::filesystem::path& path, Access access);

    Database(Database&&) noexcept = default;
    Database& operator=(Database&&) noexcept = default;

    sqlite3* handle() const noexcept { return db_.get(); }
    const std::filesystem::path& path() const noexcept { return path_; }

    // Runs fixed SQL text (may hold several statements). Never build it from values.
    void exec(std::string_view sql);
    Statement prepare(std::string_view sql) const { return Statement{db_.get(), sql}; }
    // The same statement, prepared once for the connection's lifetime and handed back reset
    // and unbound: the server's workers run a few queries thousands of times a second.
    // Do not ask for a statement again while still stepping it.
    Statement& cached(std::string_view sql);
    // How many statements are cached, and whether this one is (for callers whose SQL varies
    // with the request and who keep the cache bounded).
    std::size_t cached_count() const { return cache_ ? cache_->size() : 0; }
    bool is_cached(std::string_view sql) const { return cache_ && cache_->count(std::string{sql}) > 0; }
    std::int64_t last_insert_rowid() const { return sqlite3_last_insert_rowid(db_.get()); }
    int changes() const { return sqlite3_changes(db_.get()); }

    // Whether a table or view of that name exists.
    bool has_table(std::string_view name) const;

private:
    struct Closer { void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); } };
    std::unique_ptr<sqlite3, Closer> db_;
    std::filesystem::path path_;
    // Declared after db_: finalised before the connection closes.
    std::unique_ptr<std::unordered_map<std::string, Statement>> cache_;

    Database(sqlite3* db, std::filesystem::path path) : db_{db}, path_{std::move(path)} {}
};

// BEGIN IMMEDIATE on construction (the one-writer rule: a writer takes the write lock up
// front rather than failing half-way), ROLLBACK on destruction unless commit() was called.
class Transaction {
public:
    explicit Transaction(Database& db);
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    ~Transaction();
    void commit();

private:
    Database& db_;
    bool open_ = true;
};

// A read transaction: every statement run while it lives sees the same snapshot of the
// registry (a page of features and its count agree), and the connection takes its WAL read
// lock once instead of once per statement. Ends on destruction; inside a transaction already
// open on the connection it does nothing.
class ReadSnapshot {
public:
    explicit ReadSnapshot(Database& db);
    ReadSnapshot(const ReadSnapshot&) = delete;
    ReadSnapshot& operator=(const ReadSnapshot&) = delete;
    ~ReadSnapshot();

private:
    Database& db_;
    bool owned_;
};

// The message SQLite gives for the connection, prefixed with the file name.
std::string describe_error(sqlite3* db, const std::filesystem::path& path);

} // namespace diming::store
