#include "ogc/datetime.hpp"

#include "core/calendar.hpp"

#include <cstdio>
#include <ctime>
#include <regex>

namespace diming::ogc {

namespace {

std::string format_utc(std::time_t t, bool date_only) {
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, date_only ? "%Y-%m-%d" : "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

struct Bound {
    std::time_t start = 0; // the first second it covers
    std::time_t end = 0;   // the first second after it
    bool date = false;
};

Bound parse_bound(const std::string& s) {
    static const std::regex form{R"((\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?([Zz]|[+-]\d{2}:\d{2}))?)"};
    std::smatch m;
    if (!std::regex_match(s, m, form) || !is_iso_date(s.substr(0, 10))) {
        throw lookup::query_error{"datetime", "'" + s.substr(0, 40) + "' is neither a date (2026-03-01) nor a time (2026-03-01T08:00:00Z)"};
    }
    require_iso_date(s.substr(0, 10), "datetime"); // the day exists
    std::tm tm{};
    tm.tm_year = std::stoi(m[1]) - 1900;
    tm.tm_mon = std::stoi(m[2]) - 1;
    tm.tm_mday = std::stoi(m[3]);
    Bound b;
    if (!m[4].matched) {
        b.date = true;
        b.start = timegm(&tm);
        b.end = b.start + 86400;
        return b;
    }
    tm.tm_hour = std::stoi(m[4]);
    tm.tm_min = std::stoi(m[5]);
    tm.tm_sec = std::stoi(m[6]);
    if (tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60) throw lookup::query_error{"datetime", "'" + s.substr(0, 40) + "' is not a time of day"};
    b.start = timegm(&tm);
    const std::string zone = m[7];
    if (zone != "Z" && zone != "z") { // an offset east of UTC is earlier in UTC
        const int minutes = std::stoi(zone.substr(1, 2)) * 60 + std::stoi(zone.substr(4, 2));
        b.start -= (zone[0] == '+' ? 1 : -1) * minutes * 60;
    }
    b.end = b.start + 1;
    return b;
}

bool open_end(const std::string& s) { return s.empty() || s == ".."; }

} // namespace

TimeInterval parse_datetime(const std::string& text) {
    if (text.size() > 80) throw lookup::query_error{"datetime", "longer than an interval can be"};
    TimeInterval out;
    const auto slash = text.find('/');
    if (slash == std::string::npos) {
        if (open_end(text)) throw lookup::query_error{"datetime", "an instant cannot be open (write start/end with .. for an open end)"};
        const auto b = parse_bound(text);
        out.dates_only = b.date;
        out.from = format_utc(b.start, false);
        out.until = format_utc(b.end, false);
        return out;
    }
    const std::string a = text.substr(0, slash), z = text.substr(slash + 1);
    if (z.find('/') != std::string::npos) throw lookup::query_error{"datetime", "an interval has one '/'"};
    if (open_end(a) && open_end(z)) return out; // ../..: everything
    std::optional<Bound> start, end;
    if (!open_end(a)) start = parse_bound(a);
    if (!open_end(z)) end = parse_bound(z);
    if (start && end && start->start >= end->end) throw lookup::query_error{"datetime", "the interval ends before it starts"};
    out.dates_only = (!start || start->date) && (!end || end->date);
    if (start) out.from = format_utc(start->start, false);
    if (end) out.until = format_utc(end->end, false);
    return out;
}

SqlCondition datetime_condition(const TimeInterval& t, const char* property, QueryableType type, int first_param) {
    SqlCondition c;
    std::string sql;
    auto add = [&](const std::string& condition, std::string value) {
        sql += (sql.empty() ? "" : " AND ") + condition + " ?" + std::to_string(first_param + static_cast<int>(c.values.size()));
        c.values.emplace_back(std::move(value));
    };
    if (type == QueryableType::date) {
        // A day [D, D+1) overlaps [from, until) when D < until and D + 1 day > from, that
        // is D >= the day of `from` and D < `until` rounded up to a whole day.
        if (t.from) add(std::string{property} + " >=", t.from->substr(0, 10));
        if (t.until) {
            std::string day = t.until->substr(0, 10);
            if (t.until->substr(11) != "00:00:00Z") { // a time within that day: the day counts
                std::tm tm{};
                tm.tm_year = std::stoi(day.substr(0, 4)) - 1900;
                tm.tm_mon = std::stoi(day.substr(5, 2)) - 1;
                tm.tm_mday = std::stoi(day.substr(8, 2)) + 1;
                day = format_utc(timegm(&tm), true);
            }
            add(std::string{property} + " <", day);
        }
    } else {
        if (t.from) add(std::string{property} + " >=", *t.from);
        if (t.until) add(std::string{property} + " <", *t.until);
    }
    c.sql = sql.empty() ? "1" : "(" + sql + ")";
    return c;
}

} // namespace diming::ogc
