#pragma once
// The printer's and installers' sheet of a print order: an order header (number, date,
// clerk, printer, counts by plate type and size), then one row per plate grouped by town →
// community → road, with what to make (text, pinyin, number, size, colours) and where it
// goes (coordinates and a short description). Chinese headers by default, English on
// request. CSV with a UTF-8 byte-order mark; XLSX (libxlsxwriter) with column widths, a
// frozen header row and a sheet of quantities.

#include <cstdint>
#include <filesystem>
#include <string>

namespace diming::store {
class Database;
}

namespace diming::printing {

enum class SheetLanguage { zh, en };
// "zh", "zh-CN", "en", "en-US" …; throws refusal for anything else.
SheetLanguage sheet_language(const std::string& tag);

void export_csv(store::Database& db, std::int64_t order_id, const std::filesystem::path& path, const std::string& public_url,
                SheetLanguage language = SheetLanguage::zh);
void export_xlsx(store::Database& db, std::int64_t order_id, const std::filesystem::path& path, const std::string& public_url,
                 SheetLanguage language = SheetLanguage::zh);

} // namespace diming::printing
