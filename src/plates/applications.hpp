#pragma once
// Batch applications for door plates from a spreadsheet (the XLSX template the workbench
// offers): one row per plate — a road (or village) and a point, or a written address and a
// point — with the applicant. Every row is checked and issued in one transaction, in order
// (two rows on one road get distinct numbers); a check stops there and rolls back, and a
// submission with any problem writes nothing. Each row's outcome names its row and field.

#include "plates/door_plates.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace diming::address {
class Gazetteer;
}

namespace diming::plates {

struct ApplicationRow {
    int row = 0;                 // the spreadsheet's row number (the header is row 1)
    std::string road, town, hamlet, address, applicant, compound, suffix;
    std::optional<double> lon, lat;
    std::optional<int> number;
};

// A problem with one row: its field and why. code: missing, not_a_number, unknown_place,
// ambiguous_place, unresolved_address, refused (then `message` is the issuance's refusal).
struct RowProblem {
    int row = 0;
    std::string field, code, message;
};

struct RowOutcome {
    int row = 0;
    std::optional<RowProblem> problem;
    IssuedPlate plate; // when it went through
};

struct ApplicationBatch {
    std::vector<RowOutcome> rows;
    bool written = false; // all rows good and not a check
    std::size_t problems() const;
};

constexpr std::size_t max_application_rows = 5000;

// The rows of the first sheet of an XLSX (or any table GDAL reads: CSV, ODS) by its header
// (Chinese or English column names, README: batch applications). Throws input_error for a
// file that is not a table or lacks the point columns.
std::vector<ApplicationRow> read_applications(const std::filesystem::path& file);

// Checks (check_only) or issues every row. Never throws for a row's problem; throws
// refusal only for an empty or oversized batch.
ApplicationBatch apply_applications(store::Database& db, const address::Gazetteer& gazetteer, const std::vector<ApplicationRow>& rows,
                                    bool check_only, const std::string& actor);

// The template: the columns with a header row, and a second sheet that explains them.
void write_application_template(const std::filesystem::path& file);

nlohmann::json to_json(const ApplicationBatch& batch);

} // namespace diming::plates
