#pragma once
// 8-bit RGB PNG files with text metadata, on libpng. LatentForge writes its metadata as one
// JSON string under the key "latentforge" (an iTXt chunk: UTF-8, uncompressed, so any PNG
// tool shows it); other keys can be written and are read back as well (tEXt, zTXt and iTXt).
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace lf {

inline constexpr const char* kPngMetadataKey = "latentforge";

struct RgbImage8 {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> pixels;  // width * height * 3, row-major RGB
};

struct PngFile {
    RgbImage8 image;
    std::map<std::string, std::string> text;  // every text chunk, key -> value (UTF-8)
};

// Atomic write (temporary + rename): an existing file is never left half-written. Keys must be
// 1..79 Latin-1 characters (PNG's rule). Throws lf::Error naming the file for an inconsistent
// image, bad keys, or write failures (e.g. a full disk).
void writePng(const std::filesystem::path& file, const RgbImage8& image,
              const std::map<std::string, std::string>& text = {});

// Reads any PNG (palette, grey, 16-bit, alpha are converted to 8-bit RGB; alpha is dropped).
// Throws lf::Error naming the file for a missing file, a non-PNG, a truncated file or a CRC
// error, or an image larger than 16384 x 16384.
PngFile readPng(const std::filesystem::path& file);

}  // namespace lf
