#pragma once
// Loads administrative divisions from a CSV of the layout in data/divisions/ (a header with
// at least `code,name`; level and parent come from the code) into the divisions table.

#include "store/database.hpp"

#include <filesystem>
#include <string>

namespace diming::import {

// A dataset cannot be imported: the message names the file, row, field and reason.
class import_error : public diming::input_error {
public:
    using input_error::input_error;
};

struct DivisionsImport {
    int rows = 0;
    int inserted = 0;
    int renamed = 0;    // existing code, new name
    int unchanged = 0;
    int towns = 0;       // level 4 rows in the file
    int communities = 0; // level 5 rows in the file
};

// All or nothing: any malformed row (bad code, empty name, unknown parent, duplicate code,
// invalid UTF-8) fails the whole import with every problem listed, and the database is
// left as it was. The change is recorded in the audit log under `actor`.
DivisionsImport import_divisions(store::Database& db, const std::filesystem::path& csv, const std::string& actor);

} // namespace diming::import
