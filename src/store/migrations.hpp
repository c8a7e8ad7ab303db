#pragma once
// The schema lives in plain SQL files under schemas/ (NNN_name.sql), embedded into the
// binary at build time. migrate() applies the ones a database lacks, in order, each in one
// transaction, and records each in schema_migrations.

#include "store/database.hpp"

#include <span>
#include <string>
#include <vector>

namespace diming::store {

// The database's schema cannot be used by this build (newer, foreign, or a failed step).
class schema_error : public diming::error {
public:
    using error::error;
};

struct Migration {
    int version;
    std::string name;
    std::string sql;
};

// schemas/*.sql as they were when this binary was built.
std::span<const Migration> bundled_migrations();

// The highest applied version, 0 for a database diming has never touched.
int schema_version(const Database& db);

struct MigrationResult {
    int from_version = 0;
    int to_version = 0;
    std::vector<std::string> applied; // "003_door_plates", ...
};

// Brings db up to the last of `migrations`. Refuses a database whose version is newer than
// this build knows, or whose recorded migrations differ from these by name. A statement of
// a migration that returns integer 0 in a column (SpatiaLite's functions report failure
// that way, e.g. AddGeometryColumn on a missing table) fails the migration; a failed
// migration is rolled back and leaves the database exactly as it was before it.
MigrationResult migrate(Database& db, std::span<const Migration> migrations = bundled_migrations());

// Throws schema_error unless db is at exactly the bundled version (for commands that
// need the schema but must not change it).
void require_current_schema(const Database& db);

} // namespace diming::store
