#include "core/formats/PngImage.h"

#include "core/util/AtomicFile.h"
#include "core/util/Error.h"

#include <png.h>

#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>

namespace lf {
namespace {

// libpng reports errors through a callback that must not return; we longjmp back to the
// setjmp in the function that called libpng. Those functions keep only trivially destructible
// locals alive across the jump, everything else lives in the caller.
struct PngErrorContext {
    std::jmp_buf jump;
    char message[256] = {};
};

void onPngError(png_structp png, png_const_charp message) {
    auto* context = static_cast<PngErrorContext*>(png_get_error_ptr(png));
    std::snprintf(context->message, sizeof context->message, "%s", message);
    std::longjmp(context->jump, 1);
}
void onPngWarning(png_structp, png_const_charp) {}

struct MemoryReader {
    const std::uint8_t* data;
    std::size_t size;
    std::size_t offset;
};

void readFromMemory(png_structp png, png_bytep out, png_size_t length) {
    auto* reader = static_cast<MemoryReader*>(png_get_io_ptr(png));
    if (length > reader->size - reader->offset) png_error(png, "file is truncated");
    std::memcpy(out, reader->data + reader->offset, length);
    reader->offset += length;
}

// Returns false with context.message set on a libpng error.
bool encode(std::FILE* out, const RgbImage8& image, std::vector<png_text>& texts, PngErrorContext& context) {
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &context, onPngError, onPngWarning);
    if (!png) {
        std::snprintf(context.message, sizeof context.message, "out of memory");
        return false;
    }
    png_infop info = png_create_info_struct(png);
    if (setjmp(context.jump)) {
        png_destroy_write_struct(&png, &info);
        return false;
    }
    if (!info) png_error(png, "out of memory");
    png_init_io(png, out);
    png_set_IHDR(png, info, png_uint_32(image.width), png_uint_32(image.height), 8, PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (!texts.empty()) png_set_text(png, info, texts.data(), int(texts.size()));
    png_write_info(png, info);
    for (int y = 0; y < image.height; ++y) {
        png_write_row(png, image.pixels.data() + std::size_t(y) * std::size_t(image.width) * 3);
    }
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    return true;
}

struct Decoded {
    png_uint_32 width = 0, height = 0;
    std::vector<std::uint8_t> pixels;
    std::vector<std::pair<std::string, std::string>> text;
};

void collectText(png_structp png, png_infop info, Decoded& out) {
    png_textp texts = nullptr;
    int count = 0;
    png_get_text(png, info, &texts, &count);
    for (int i = 0; i < count; ++i) {
        const std::size_t length = texts[i].compression >= PNG_ITXT_COMPRESSION_NONE ? texts[i].itxt_length
                                                                                     : texts[i].text_length;
        out.text.emplace_back(texts[i].key, std::string(texts[i].text ? texts[i].text : "", length));
    }
}

bool decode(MemoryReader& reader, Decoded& out, PngErrorContext& context) {
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &context, onPngError, onPngWarning);
    if (!png) {
        std::snprintf(context.message, sizeof context.message, "out of memory");
        return false;
    }
    png_infop info = png_create_info_struct(png);
    // volatile: modified after setjmp and read after a longjmp.
    std::vector<png_bytep>* volatile rows = nullptr;
    if (setjmp(context.jump)) {
        delete rows;
        png_destroy_read_struct(&png, &info, nullptr);
        return false;
    }
    if (!info) png_error(png, "out of memory");
    png_set_read_fn(png, &reader, readFromMemory);
    png_set_user_limits(png, 16384, 16384);
    png_read_info(png, info);
    png_set_expand(png);        // palette -> RGB, grey < 8 bit -> 8 bit, tRNS -> alpha
    png_set_strip_16(png);
    png_set_strip_alpha(png);
    png_set_gray_to_rgb(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    out.width = png_get_image_width(png, info);
    out.height = png_get_image_height(png, info);
    if (png_get_rowbytes(png, info) != std::size_t(out.width) * 3) png_error(png, "unexpected row layout after conversion to RGB");
    out.pixels.resize(std::size_t(out.width) * out.height * 3);
    rows = new std::vector<png_bytep>(out.height);
    for (png_uint_32 y = 0; y < out.height; ++y) (*rows)[y] = out.pixels.data() + std::size_t(y) * out.width * 3;
    png_read_image(png, rows->data());
    png_read_end(png, info);  // text chunks after IDAT, and the remaining CRCs
    collectText(png, info, out);
    delete rows;
    rows = nullptr;
    png_destroy_read_struct(&png, &info, nullptr);
    return true;
}

}  // namespace

void writePng(const std::filesystem::path& file, const RgbImage8& image,
              const std::map<std::string, std::string>& text) {
    const std::string what = "PNG " + file.string();
    if (image.width < 1 || image.height < 1 || image.width > 16384 || image.height > 16384 ||
        image.pixels.size() != std::size_t(image.width) * std::size_t(image.height) * 3) {
        throw Error(what + ": image size " + std::to_string(image.width) + "x" + std::to_string(image.height) +
                    " does not match its " + std::to_string(image.pixels.size()) + " bytes of RGB (or is out of 1..16384)");
    }
    std::vector<std::string> keys, values;
    for (const auto& [key, value] : text) {
        if (key.empty() || key.size() > 79) throw Error(what + ": text key '" + key + "' must be 1..79 characters");
        keys.push_back(key);
        values.push_back(value);
    }
    std::vector<png_text> texts(keys.size());
    for (std::size_t i = 0; i < keys.size(); ++i) {
        std::memset(&texts[i], 0, sizeof texts[i]);
        texts[i].compression = PNG_ITXT_COMPRESSION_NONE;
        texts[i].key = keys[i].data();
        texts[i].text = values[i].data();
        texts[i].itxt_length = values[i].size();
        texts[i].lang = nullptr;
        texts[i].lang_key = nullptr;
    }
    writeFileAtomically(file, [&](const std::filesystem::path& temp) {
        std::FILE* out = std::fopen(temp.c_str(), "wb");
        if (!out) throw Error(what + ": cannot create " + temp.string() + " (" + std::strerror(errno) + ")");
        PngErrorContext context;
        const bool ok = encode(out, image, texts, context);
        const bool flushed = std::fflush(out) == 0 && !std::ferror(out);
        const int savedErrno = errno;
        const bool closed = std::fclose(out) == 0;
        if (!ok) throw Error(what + ": libpng: " + context.message);
        if (!flushed || !closed) throw Error(what + ": write failed (" + std::strerror(savedErrno) + ")");
    });
}

PngFile readPng(const std::filesystem::path& file) {
    const std::string what = "PNG " + file.string();
    std::ifstream in(file, std::ios::binary);
    if (!in) throw Error(what + ": cannot open the file");
    const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.size() < 8 || png_sig_cmp(bytes.data(), 0, 8) != 0) throw Error(what + ": not a PNG file (bad signature)");
    MemoryReader reader{bytes.data(), bytes.size(), 0};
    Decoded decoded;
    PngErrorContext context;
    if (!decode(reader, decoded, context)) throw Error(what + ": corrupt PNG (" + context.message + ")");
    PngFile result;
    result.image.width = int(decoded.width);
    result.image.height = int(decoded.height);
    result.image.pixels = std::move(decoded.pixels);
    for (auto& [key, value] : decoded.text) result.text[key] = std::move(value);
    return result;
}

}  // namespace lf
