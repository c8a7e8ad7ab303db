#include "core/digest.hpp"

#include "core/error.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <memory>
#include <vector>

namespace diming {

namespace {

struct Hasher {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx{EVP_MD_CTX_new(), &EVP_MD_CTX_free};
    Hasher() {
        if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) throw library_error{"OpenSSL: cannot start SHA-256"};
    }
    void update(const void* p, std::size_t n) { EVP_DigestUpdate(ctx.get(), p, n); }
    std::string hex() {
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned int len = 0;
        EVP_DigestFinal_ex(ctx.get(), md, &len);
        static const char* digits = "0123456789abcdef";
        std::string out;
        for (unsigned int i = 0; i < len; ++i) {
            out += digits[md[i] >> 4];
            out += digits[md[i] & 15];
        }
        return out;
    }
    void file(const std::filesystem::path& p) {
        std::ifstream in{p, std::ios::binary};
        if (!in) throw input_error{p.string() + ": cannot read"};
        std::vector<char> buf(1 << 20);
        while (in) {
            in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
            update(buf.data(), static_cast<std::size_t>(in.gcount()));
        }
    }
};

} // namespace

std::array<std::uint64_t, 2> sha256_128(std::string_view data) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr) != 1) throw library_error{"OpenSSL: SHA-256 failed"};
    std::array<std::uint64_t, 2> out;
    std::memcpy(out.data(), md, sizeof out);
    return out;
}

std::string sha256_hex(std::string_view data) {
    Hasher h;
    h.update(data.data(), data.size());
    return h.hex();
}

std::string sha256_of_path(const std::filesystem::path& path) {
    Hasher h;
    if (std::filesystem::is_directory(path)) {
        std::vector<std::filesystem::path> files;
        for (const auto& e : std::filesystem::recursive_directory_iterator(path)) {
            if (e.is_regular_file()) files.push_back(e.path());
        }
        std::sort(files.begin(), files.end());
        for (const auto& f : files) {
            const std::string rel = std::filesystem::relative(f, path).string();
            h.update(rel.data(), rel.size() + 1);
            h.file(f);
        }
    } else {
        h.file(path);
    }
    return h.hex();
}

} // namespace diming
