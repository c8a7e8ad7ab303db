#pragma once
// Dates as the registry writes them: YYYY-MM-DD (decisions, effective dates, cancellations,
// filters).

#include <string>

namespace diming {

// Whether `text` has the form YYYY-MM-DD (not whether the day exists).
bool is_iso_date(const std::string& text);

// A date of that form that exists in the calendar; throws refusal (invalid) naming `field`.
void require_iso_date(const std::string& text, const char* field);

// Today's date (YYYY-MM-DD) in the bureau's time zone (China, UTC+8), or DIMING_TODAY when
// set (the clock tests move).
std::string today();

// The present moment in UTC as the registry stamps rows: 2026-11-30T08:15:00Z.
std::string utc_now();

} // namespace diming
