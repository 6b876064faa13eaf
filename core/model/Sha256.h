#pragma once
// SHA-256 digests (OpenSSL libcrypto) as lower-case hex, for model weight integrity checks.
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace lf {

std::string sha256Hex(const std::byte* data, std::size_t size);
std::string sha256Hex(const std::vector<std::byte>& bytes);
// Throws lf::Error naming the file when it cannot be read.
std::string sha256OfFile(const std::filesystem::path& file);

}  // namespace lf
