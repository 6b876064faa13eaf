#pragma once
// Contact sheets: a grid of equally sized RGB images with a column label above each column, a
// row label left of each row and axis titles, drawn with a built-in 3x5 pixel font (digits,
// A-Z, space and . - = : / _ + %; lower case is drawn as upper case, anything else as a box).
// The labels are also what callers put into the sheet's PNG metadata, so nothing is lost to
// the tiny font.
#include "core/formats/PngImage.h"

#include <string>
#include <vector>

namespace lf {

struct ContactSheetLayout {
    std::string columnTitle;                // e.g. "MELT TEMPERATURE C"
    std::string rowTitle;                   // e.g. "INJECTION SPEED MM/S"
    std::vector<std::string> columnLabels;  // one per column
    std::vector<std::string> rowLabels;     // one per row
    int textScale = 2;                      // font pixels per glyph pixel (1..8)
    int gap = 2;                            // pixels between cells
};

// cells[row][column]; every cell the same size. Throws lf::Error for an empty or ragged grid,
// cells of different sizes, or label counts that do not match the grid.
RgbImage8 composeContactSheet(const std::vector<std::vector<RgbImage8>>& cells, const ContactSheetLayout& layout);

// Draws `text` with its top-left corner at (x, y) (clipped at the image border); returns the
// width drawn in pixels: 4 * scale per character minus the trailing space.
int drawText(RgbImage8& image, int x, int y, const std::string& text, int scale,
             std::uint8_t r = 230, std::uint8_t g = 230, std::uint8_t b = 230);
int textWidth(const std::string& text, int scale);

}  // namespace lf
