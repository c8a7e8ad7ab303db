#include "ogc/datetime.hpp"

#include "core/calendar.hpp"

#include <cstdio>
#include <ctime>

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

bool digits(const std::string& s, std::size_t at, std::size_t n) {
    if (at + n > s.size()) return false;
    for (std::size_t i = at; i < at + n; ++i) {
        if (s[i] < '0' || s[i] > '9') return false;
    }
    return true;
}

// YYYY-MM-DD, or YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM).
Bound parse_bound(const std::string& s) {
    const lookup::query_error wrong{"datetime", "'" + s.substr(0, 40) + "' is neither a date (2026-03-01) nor a time (2026-03-01T08:00:00Z)"};
    if (s.size() < 10 || !is_iso_date(s.substr(0, 10))) throw wrong;
    require_iso_date(s.substr(0, 10), "datetime"); // the day exists
    std::tm tm{};
    tm.tm_year = std::stoi(s.substr(0, 4)) - 1900;
    tm.tm_mon = std::stoi(s.substr(5, 2)) - 1;
    tm.tm_mday = std::stoi(s.substr(8, 2));
    Bound b;
    if (s.size() == 10) {
        b.date = true;
        b.start = timegm(&tm);
        b.end = b.start + 86400;
        return b;
    }
    if (s.size() < 19 || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !digits(s, 11, 2) || s[13] != ':' || !digits(s, 14, 2) || s[16] != ':' || !digits(s, 17, 2)) {
        throw wrong;
    }
    tm.tm_hour = std::stoi(s.substr(11, 2));
    tm.tm_min = std::stoi(s.substr(14, 2));
    tm.tm_sec = std::stoi(s.substr(17, 2));
    std::size_t at = 19;
    if (at < s.size() && s[at] == '.') {
        ++at;
        while (at < s.size() && s[at] >= '0' && s[at] <= '9') ++at;
    }
    const std::string zone = s.substr(at);
    if (zone != "Z" && zone != "z" && !(zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && digits(zone, 1, 2) && zone[3] == ':' && digits(zone, 4, 2))) {
        throw wrong;
    }
    if (tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60) throw lookup::query_error{"datetime", "'" + s.substr(0, 40) + "' is not a time of day"};
    b.start = timegm(&tm);
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
