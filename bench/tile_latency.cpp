// bench_tile_latency HOST PORT PATHS: requests each path once, in order, on one keep-alive
// connection, and prints "count median_ms p99_ms max_ms bytes" for the 200 responses.
#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

int main(int argc, char** argv) {
    if (argc != 4) {
        std::fprintf(stderr, "usage: bench_tile_latency HOST PORT PATHS\n");
        return 2;
    }
    httplib::Client client{argv[1], std::stoi(argv[2])};
    client.set_keep_alive(true);
    std::ifstream in{argv[3]};
    std::vector<double> ms;
    long long bytes = 0;
    int failures = 0;
    for (std::string path; std::getline(in, path);) {
        const auto t0 = std::chrono::steady_clock::now();
        auto r = client.Get(path.c_str());
        const auto t1 = std::chrono::steady_clock::now();
        if (!r || r->status != 200) {
            ++failures;
            continue;
        }
        bytes += static_cast<long long>(r->body.size());
        ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    }
    if (ms.empty()) return 1;
    std::sort(ms.begin(), ms.end());
    auto at = [&](double q) { return ms[std::min(ms.size() - 1, static_cast<std::size_t>(q * static_cast<double>(ms.size())))]; };
    std::printf("%zu %.2f %.2f %.2f %lld %d\n", ms.size(), at(0.5), at(0.99), ms.back(), bytes, failures);
    return 0;
}
