#include "core/calendar.hpp"

#include "core/error.hpp"

#include <cstdlib>
#include <ctime>

namespace diming {

bool is_iso_date(const std::string& date) {
    return date.size() == 10 && date[4] == '-' && date[7] == '-' && date.find_first_not_of("0123456789-") == std::string::npos;
}

void require_iso_date(const std::string& date, const char* field) {
    if (!is_iso_date(date)) throw refusal{refusal::Kind::invalid, std::string{field} + " is a date, YYYY-MM-DD", field};
    const int month = std::stoi(date.substr(5, 2)), day = std::stoi(date.substr(8, 2));
    static constexpr int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const int year = std::stoi(date.substr(0, 4));
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (month < 1 || month > 12 || day < 1 || day > days[month - 1] || (month == 2 && day == 29 && !leap)) {
        throw refusal{refusal::Kind::invalid, std::string{field} + ": " + date + " is not a date", field};
    }
}

std::string today() {
    if (const char* fixed = std::getenv("DIMING_TODAY"); fixed && *fixed) {
        require_iso_date(fixed, "DIMING_TODAY");
        return fixed;
    }
    // China keeps one time zone, UTC+8, without daylight saving.
    const std::time_t now = std::time(nullptr) + 8 * 3600;
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[11];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    return buf;
}

std::string utc_now() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

} // namespace diming
