#pragma once
// The `datetime` parameter of OGC API - Features Part 1: an instant (a date, or a time in
// RFC 3339) or an interval "start/end" with open ends written ".." or left empty. It becomes
// a condition on a collection's temporal property: a date property (YYYY-MM-DD) is a day,
// which matches when the day overlaps the interval; a time property (YYYY-MM-DDTHH:MM:SSZ, as
// the registry writes it) matches when it lies within it.

#include "ogc/cql2.hpp"

#include <optional>
#include <string>

namespace diming::ogc {

struct TimeInterval {
    // Half-open [from, until) in the registry's UTC text form; nothing for an open end.
    std::optional<std::string> from, until;
    bool dates_only = true; // both ends are dates (a whole day each)
};

// Throws lookup::query_error ("datetime") naming what is wrong.
TimeInterval parse_datetime(const std::string& text);

// The condition on `property` (its SQL) of `type`, with its values bound from ?first_param.
SqlCondition datetime_condition(const TimeInterval& interval, const char* property, QueryableType type, int first_param);

} // namespace diming::ogc
