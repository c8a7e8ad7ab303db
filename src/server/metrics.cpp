#include "server/metrics.hpp"

#include <cstdio>
#include <sstream>

namespace diming::server {

namespace {

std::string label_value(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '\\' || c == '"') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out;
}

std::string number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

} // namespace

void Metrics::record(const std::string& route, const std::string& method, int status, double seconds) {
    std::lock_guard lock{mutex_};
    auto& r = routes_[route];
    ++r.by_method_status[{method, status}];
    for (std::size_t i = 0; i < bounds.size(); ++i) {
        if (seconds <= bounds[i]) {
            ++r.buckets[i];
            break;
        }
    }
    ++r.count;
    r.sum += seconds;
    if (status >= 500) ++r.server_errors;
    else if (status >= 400) ++r.client_errors;
}

std::string Metrics::render() const {
    std::lock_guard lock{mutex_};
    std::ostringstream out;
    out << "# HELP diming_http_requests_total HTTP requests answered, by route, method and status.\n"
           "# TYPE diming_http_requests_total counter\n";
    for (const auto& [route, r] : routes_) {
        for (const auto& [ms, n] : r.by_method_status) {
            out << "diming_http_requests_total{route=\"" << label_value(route) << "\",method=\"" << label_value(ms.first)
                << "\",status=\"" << ms.second << "\"} " << n << '\n';
        }
    }
    out << "# HELP diming_http_request_duration_seconds Time from reading a request to writing its response.\n"
           "# TYPE diming_http_request_duration_seconds histogram\n";
    for (const auto& [route, r] : routes_) {
        const std::string l = "route=\"" + label_value(route) + "\"";
        long long cumulative = 0;
        for (std::size_t i = 0; i < bounds.size(); ++i) {
            cumulative += r.buckets[i];
            out << "diming_http_request_duration_seconds_bucket{" << l << ",le=\"" << number(bounds[i]) << "\"} " << cumulative << '\n';
        }
        out << "diming_http_request_duration_seconds_bucket{" << l << ",le=\"+Inf\"} " << r.count << '\n';
        out << "diming_http_request_duration_seconds_sum{" << l << "} " << number(r.sum) << '\n';
        out << "diming_http_request_duration_seconds_count{" << l << "} " << r.count << '\n';
    }
    out << "# HELP diming_http_errors_total Responses with a client (4xx) or server (5xx) error status, by route.\n"
           "# TYPE diming_http_errors_total counter\n";
    for (const auto& [route, r] : routes_) {
        out << "diming_http_errors_total{route=\"" << label_value(route) << "\",class=\"4xx\"} " << r.client_errors << '\n';
        out << "diming_http_errors_total{route=\"" << label_value(route) << "\",class=\"5xx\"} " << r.server_errors << '\n';
    }
    return out.str();
}

} // namespace diming::server
