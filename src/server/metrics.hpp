#pragma once
// Request counters and latency histograms by route, rendered in the Prometheus text format
// (version 0.0.4) at /metrics.

#include <array>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace diming::server {

class Metrics {
public:
    // route: the route's pattern ("/api/v1/names/{id}"), never the raw path, so that the
    // number of series stays bounded.
    void record(const std::string& route, const std::string& method, int status, double seconds);
    std::string render() const;

private:
    static constexpr std::array<double, 12> bounds{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};
    struct RouteStats {
        std::map<std::pair<std::string, int>, long long> by_method_status;
        std::array<long long, bounds.size()> buckets{}; // not cumulative; summed when rendered
        long long count = 0;
        double sum = 0;
        long long client_errors = 0;
        long long server_errors = 0;
    };
    mutable std::mutex mutex_;
    std::map<std::string, RouteStats> routes_;
};

} // namespace diming::server
