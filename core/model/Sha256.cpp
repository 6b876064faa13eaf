#include "core/model/Sha256.h"

#include "core/util/Error.h"

#include <openssl/evp.h>

#include <array>
#include <fstream>
#include <memory>

namespace lf {
namespace {

struct DigestContextDeleter {
    void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using DigestContext = std::unique_ptr<EVP_MD_CTX, DigestContextDeleter>;

DigestContext startSha256() {
    DigestContext ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1)
        throw Error("SHA-256: OpenSSL could not initialise a digest");
    return ctx;
}

void update(EVP_MD_CTX* ctx, const void* data, std::size_t size) {
    if (EVP_DigestUpdate(ctx, data, size) != 1) throw Error("SHA-256: OpenSSL digest update failed");
}

std::string finish(EVP_MD_CTX* ctx) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    if (EVP_DigestFinal_ex(ctx, digest.data(), &length) != 1)
        throw Error("SHA-256: OpenSSL digest finalisation failed");
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    for (unsigned int i = 0; i < length; ++i) {
        hex += kHex[digest[i] >> 4];
        hex += kHex[digest[i] & 0xf];
    }
    return hex;
}

}  // namespace

std::string sha256Hex(const std::byte* data, std::size_t size) {
    DigestContext ctx = startSha256();
    update(ctx.get(), data, size);
    return finish(ctx.get());
}

std::string sha256Hex(const std::vector<std::byte>& bytes) {
    return sha256Hex(bytes.data(), bytes.size());
}

std::string sha256OfFile(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw Error("cannot open " + file.string() + " to compute its SHA-256");
    DigestContext ctx = startSha256();
    std::vector<char> buffer(1 << 20);
    while (in) {
        in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        update(ctx.get(), buffer.data(), static_cast<std::size_t>(in.gcount()));
    }
    if (!in.eof()) throw Error("read error in " + file.string() + " while computing its SHA-256");
    return finish(ctx.get());
}

}  // namespace lf
