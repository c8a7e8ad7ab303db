#include "store/migrations.hpp"

#include <algorithm>
#include <map>

namespace diming::store {

namespace {

constexpr std::string_view create_ledger =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY CHECK (version > 0),"
    " name TEXT NOT NULL,"
    " applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')))";

std::string label(const Migration& m) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%03d", m.version);
    return std::string{buf} + "_" + m.name;
}

std::map<int, std::string> applied_migrations(const Database& db) {
    std::map<int, std::string> out;
    if (!db.has_table("schema_migrations")) return out;
    auto st = db.prepare("SELECT version, name FROM schema_migrations ORDER BY version");
    while (st.step()) out.emplace(static_cast<int>(st.column_int(0)), st.column_text(1));
    return out;
}

// Runs each statement of a migration separately so that SpatiaLite's "0 means failure"
// results can be checked.
void run_migration_sql(Database& db, const Migration& m) {
    const char* sql = m.sql.c_str();
    const char* tail = nullptr;
    while (sql && *sql) {
        sqlite3_stmt* raw = nullptr;
        if (sqlite3_prepare_v2(db.handle(), sql, -1, &raw, &tail) != SQLITE_OK) {
            throw schema_error{sqlite3_errmsg(db.handle())};
        }
        std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> st{raw, &sqlite3_finalize};
        const std::string text = raw ? sqlite3_sql(raw) : "";
        sql = tail;
        if (!raw) continue; // whitespace or a comment
        int rc;
        while ((rc = sqlite3_step(raw)) == SQLITE_ROW) {
            for (int c = 0; c < sqlite3_column_count(raw); ++c) {
                if (sqlite3_column_type(raw, c) == SQLITE_INTEGER && sqlite3_column_int64(raw, c) == 0) {
                    throw schema_error{"statement returned 0 (failure): " + text.substr(0, 200)};
                }
            }
        }
        if (rc != SQLITE_DONE) {
            throw schema_error{std::string{sqlite3_errmsg(db.handle())} + " in: " + text.substr(0, 200)};
        }
    }
}

} // namespace

int schema_version(const Database& db) {
    const auto applied = applied_migrations(db);
    return applied.empty() ? 0 : applied.rbegin()->first;
}

MigrationResult migrate(Database& db, std::span<const Migration> migrations) {
    const int known = migrations.empty() ? 0 : std::ranges::max(migrations, {}, &Migration::version).version;
    const auto applied = applied_migrations(db);
    MigrationResult result;
    result.from_version = applied.empty() ? 0 : applied.rbegin()->first;

    if (result.from_version > known) {
        throw schema_error{db.path().string() + ": the database's schema version " +
                           std::to_string(result.from_version) + " is newer than this diming knows (" +
                           std::to_string(known) + "); use a newer diming build with this file"};
    }
    for (const auto& m : migrations) {
        auto it = applied.find(m.version);
        if (it != applied.end() && it->second != m.name) {
            throw schema_error{db.path().string() + ": schema migration " + std::to_string(m.version) +
                               " was applied as '" + it->second + "' but this diming calls it '" + m.name +
                               "'; the file does not come from this diming lineage"};
        }
    }

    std::vector<const Migration*> pending;
    for (const auto& m : migrations) {
        if (!applied.contains(m.version)) pending.push_back(&m);
    }
    std::ranges::sort(pending, {}, &Migration::version);

    for (const Migration* m : pending) {
        Transaction tx{db};
        try {
            db.exec(create_ledger);
            run_migration_sql(db, *m);
            db.prepare("INSERT INTO schema_migrations(version, name) VALUES (?1, ?2)").bind_all(m->version, m->name).run();
        } catch (const diming::error& e) {
            throw schema_error{db.path().string() + ": schema migration " + label(*m) + " failed, nothing of it was applied: " + e.what()};
        }
        tx.commit();
        result.applied.push_back(label(*m));
    }
    result.to_version = std::max(result.from_version, pending.empty() ? 0 : pending.back()->version);
    return result;
}

void require_current_schema(const Database& db) {
    const auto migrations = bundled_migrations();
    const int known = migrations.empty() ? 0 : migrations.back().version;
    const int have = schema_version(db);
    if (have == known) return;
    if (have == 0) {
        throw schema_error{db.path().string() + ": not a diming database (run `diming init --db " + db.path().string() + "`)"};
    }
    if (have > known) {
        throw schema_error{db.path().string() + ": the database's schema version " + std::to_string(have) +
                           " is newer than this diming knows (" + std::to_string(known) + ")"};
    }
    throw schema_error{db.path().string() + ": the database's schema version " + std::to_string(have) +
                       " is older than this diming's (" + std::to_string(known) + "); run `diming init --db " +
                       db.path().string() + "` to upgrade it"};
}

} // namespace diming::store
