#include "core/formats/ContactSheet.h"

#include "core/util/Error.h"

#include <algorithm>
#include <cctype>

namespace lf {
namespace {

// Five rows of three bits (bit 2 = left column) per glyph.
struct Glyph {
    char c;
    unsigned char rows[5];
};
constexpr Glyph kGlyphs[] = {
    {'0', {7, 5, 5, 5, 7}}, {'1', {2, 6, 2, 2, 7}}, {'2', {7, 1, 7, 4, 7}}, {'3', {7, 1, 7, 1, 7}},
    {'4', {5, 5, 7, 1, 1}}, {'5', {7, 4, 7, 1, 7}}, {'6', {7, 4, 7, 5, 7}}, {'7', {7, 1, 1, 1, 1}},
    {'8', {7, 5, 7, 5, 7}}, {'9', {7, 5, 7, 1, 7}}, {'A', {2, 5, 7, 5, 5}}, {'B', {6, 5, 6, 5, 6}},
    {'C', {3, 4, 4, 4, 3}}, {'D', {6, 5, 5, 5, 6}}, {'E', {7, 4, 6, 4, 7}}, {'F', {7, 4, 6, 4, 4}},
    {'G', {3, 4, 5, 5, 3}}, {'H', {5, 5, 7, 5, 5}}, {'I', {7, 2, 2, 2, 7}}, {'J', {1, 1, 1, 5, 2}},
    {'K', {5, 5, 6, 5, 5}}, {'L', {4, 4, 4, 4, 7}}, {'M', {5, 7, 7, 5, 5}}, {'N', {6, 5, 5, 5, 5}},
    {'O', {2, 5, 5, 5, 2}}, {'P', {6, 5, 6, 4, 4}}, {'Q', {2, 5, 5, 6, 3}}, {'R', {6, 5, 6, 5, 5}},
    {'S', {3, 4, 2, 1, 6}}, {'T', {7, 2, 2, 2, 2}}, {'U', {5, 5, 5, 5, 7}}, {'V', {5, 5, 5, 5, 2}},
    {'W', {5, 5, 7, 7, 5}}, {'X', {5, 5, 2, 5, 5}}, {'Y', {5, 5, 2, 2, 2}}, {'Z', {7, 1, 2, 4, 7}},
    {'.', {0, 0, 0, 0, 2}}, {'-', {0, 0, 7, 0, 0}}, {'=', {0, 7, 0, 7, 0}}, {':', {0, 2, 0, 2, 0}},
    {'/', {1, 1, 2, 4, 4}}, {'_', {0, 0, 0, 0, 7}}, {'+', {0, 2, 7, 2, 0}}, {'%', {5, 1, 2, 4, 5}},
    {' ', {0, 0, 0, 0, 0}},
};
constexpr unsigned char kUnknown[5] = {7, 5, 5, 5, 7};

const unsigned char* glyphRows(char c) {
    const char upper = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    for (const auto& g : kGlyphs) {
        if (g.c == upper) return g.rows;
    }
    return kUnknown;
}

void fill(RgbImage8& image, int x0, int y0, int w, int h, std::uint8_t r, std::uint8_t g, std::uint8_t b) {
    for (int y = std::max(0, y0); y < std::min(image.height, y0 + h); ++y) {
        for (int x = std::max(0, x0); x < std::min(image.width, x0 + w); ++x) {
            auto* p = &image.pixels[(std::size_t(y) * image.width + x) * 3];
            p[0] = r;
            p[1] = g;
            p[2] = b;
        }
    }
}

}  // namespace

int textWidth(const std::string& text, int scale) {
    return text.empty() ? 0 : int(text.size()) * 4 * scale - scale;
}

int drawText(RgbImage8& image, int x, int y, const std::string& text, int scale, std::uint8_t r,
             std::uint8_t g, std::uint8_t b) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        const unsigned char* rows = glyphRows(text[i]);
        const int gx = x + int(i) * 4 * scale;
        for (int row = 0; row < 5; ++row) {
            for (int column = 0; column < 3; ++column) {
                if (rows[row] & (4 >> column)) fill(image, gx + column * scale, y + row * scale, scale, scale, r, g, b);
            }
        }
    }
    return textWidth(text, scale);
}

RgbImage8 composeContactSheet(const std::vector<std::vector<RgbImage8>>& cells, const ContactSheetLayout& layout) {
    if (cells.empty() || cells.front().empty()) throw Error("contact sheet: no images");
    const std::size_t rows = cells.size(), columns = cells.front().size();
    const int w = cells[0][0].width, h = cells[0][0].height;
    for (const auto& row : cells) {
        if (row.size() != columns) throw Error("contact sheet: every row needs " + std::to_string(columns) + " images");
        for (const auto& cell : row) {
            if (cell.width != w || cell.height != h || cell.pixels.size() != std::size_t(w) * h * 3) {
                throw Error("contact sheet: every image must be " + std::to_string(w) + "x" + std::to_string(h) + " RGB");
            }
        }
    }
    if (layout.columnLabels.size() != columns || layout.rowLabels.size() != rows) {
        throw Error("contact sheet: " + std::to_string(columns) + " column and " + std::to_string(rows) +
                    " row labels expected");
    }
    if (layout.textScale < 1 || layout.textScale > 8 || layout.gap < 0 || layout.gap > 64) {
        throw Error("contact sheet: text scale must be in 1..8 and gap in 0..64");
    }
    const int s = layout.textScale, lineHeight = 7 * s, gap = layout.gap;
    int rowLabelWidth = textWidth(layout.rowTitle, s);
    for (const auto& label : layout.rowLabels) rowLabelWidth = std::max(rowLabelWidth, textWidth(label, s));
    const int left = rowLabelWidth + 2 * s + gap;
    const int top = 2 * lineHeight + gap;  // column title line, column labels line
    RgbImage8 sheet;
    sheet.width = left + int(columns) * (w + gap);
    sheet.height = top + int(rows) * (h + gap);
    sheet.pixels.assign(std::size_t(sheet.width) * sheet.height * 3, 24);
    drawText(sheet, left, s, layout.columnTitle, s, 255, 210, 120);
    drawText(sheet, s, lineHeight + s, layout.rowTitle, s, 140, 200, 255);  // beside the column labels
    for (std::size_t c = 0; c < columns; ++c) {
        const int x = left + int(c) * (w + gap);
        drawText(sheet, x + std::max(0, (w - textWidth(layout.columnLabels[c], s)) / 2), lineHeight + s,
                 layout.columnLabels[c], s, 255, 210, 120);
    }
    for (std::size_t r = 0; r < rows; ++r) {
        const int y = top + int(r) * (h + gap);
        drawText(sheet, s, y + std::max(0, (h - 5 * s) / 2), layout.rowLabels[r], s, 140, 200, 255);
        for (std::size_t c = 0; c < columns; ++c) {
            const int x = left + int(c) * (w + gap);
            const auto& cell = cells[r][c];
            for (int yy = 0; yy < h; ++yy) {
                std::copy_n(cell.pixels.begin() + std::ptrdiff_t(yy) * w * 3, w * 3,
                            sheet.pixels.begin() + (std::ptrdiff_t(y + yy) * sheet.width + x) * 3);
            }
        }
    }
    return sheet;
}

}  // namespace lf
