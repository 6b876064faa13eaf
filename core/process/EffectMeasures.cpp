#include "core/process/EffectMeasures.h"

#include "core/util/Error.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace lf::process {

namespace {

// The design, in part units (must match the lid the simulator draws; see ProcessSimulator.cpp).
constexpr double kL = 1.6, kW = 1.0;
constexpr double kHoleX = -0.9, kHoleRadius = 0.14, kRibX0 = -0.2;
constexpr double kSinkY = 0.55;
// Projected height of the part at the gate end in units of the x scale, for the nominal 28
// degree view: 2W cos(t) + (rim + wall) sin(t).
constexpr double kProjectedHeight = 1.864;
constexpr double kNominalCos = 0.883, kNominalSin = 0.469;
constexpr double kRimHeight = 0.06;

double luminance(const ImageF& image, int col, int row)
{
    return (image.at(col, row, 0) + image.at(col, row, 1) + image.at(col, row, 2)) / 3.0;
}

double blueness(double r, double g, double b) { return b - 0.5 * (r + g); }

// Colour of the tray and of the part's body: blueness and luminance.
struct Reference {
    double trayBlue, trayLum, partBlue, partLum;
};

// How much of a pixel is part rather than tray. Two estimates, both exact for the pixel types
// they are meant for: (a) mixing in blueness alone, right for translucent fins and white
// highlights; (b) mixing of tray with the part's body colour at any brightness (solving for
// both the fraction and the shading), right for shadowed walls of strongly tinted parts.
// A fin is partial under both, so the larger one never mistakes shading for a fin.
double coverageOf(double r, double g, double b, const Reference& ref)
{
    const double blue = blueness(r, g, b), lum = (r + g + b) / 3.0;
    const double linear = (ref.trayBlue - blue) / std::max(ref.trayBlue - ref.partBlue, 1e-3);
    const double det = ref.trayLum * ref.partBlue - ref.trayBlue * ref.partLum;
    double shaded = linear;
    if (std::abs(det) > 1e-4)
        shaded = ((blue - ref.trayBlue) * ref.partLum - (lum - ref.trayLum) * ref.partBlue) / det;
    return std::clamp(std::max(linear, shaded), 0.0, 1.0);
}

double median(std::vector<double> values)
{
    if (values.empty())
        return 0.0;
    const auto mid = values.begin() + values.size() / 2;
    std::nth_element(values.begin(), mid, values.end());
    return *mid;
}

struct LineFit {
    double a = 0.0, b = 0.0;  // y = a + b x
};
LineFit fitLine(const std::vector<double>& xs, const std::vector<double>& ys)
{
    const double n = double(xs.size());
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (std::size_t i = 0; i < xs.size(); ++i) {
        sx += xs[i], sy += ys[i], sxx += xs[i] * xs[i], sxy += xs[i] * ys[i];
    }
    const double det = n * sxx - sx * sx;
    if (n < 2 || std::abs(det) < 1e-12)
        return {n > 0 ? sy / n : 0.0, 0.0};
    const double b = (n * sxy - sx * sy) / det;
    return {(sy - b * sx) / n, b};
}

Reference imageReference(const ImageF& image);  // below, next to partCoverage

class Analysis {
public:
    explicit Analysis(const ImageF& image)
        : image_(image), w_(image.width), h_(image.height), reference_(imageReference(image)),
          coverage_(partCoverage(image)),
          reg_(registerPart(image))
    {
        if (!reg_.found)
            throw Error("effect measures: no moulded part found in the " + std::to_string(w_) +
                        "x" + std::to_string(h_) + " image (nothing stands out from the tray)");
        // Local vertical offset of each column from the rigid registration, read off the far
        // rim (the top edge): a warped part is lifted progressively towards its far end.
        rowOffset_.assign(w_, 0.0);
        double carried = 0.0;
        for (int col = clampCol(reg_.gateColumn); col < w_; ++col) {
            const double x = -kL + (col - reg_.gateColumn) / reg_.pixelsPerUnit;
            int top = 0;
            while (top < h_ && !solid(col, top))
                ++top;
            const double expected = reg_.row(x, kW) - (kRimHeight * kNominalSin) * reg_.pixelsPerUnit;
            if (top < h_ && x < kL - 0.25 && std::abs(top - expected) < 0.5 * reg_.rowsPerUnitY)
                carried = top - expected;
            rowOffset_[col] = carried;
        }
    }

    // Image row of part point (x, y) on the top face, following a warped part.
    double rowAt(double x, double y) const
    {
        return reg_.row(x, y) + rowOffset_[clampCol(reg_.column(x))];
    }

    bool solid(int col, int row) const
    {
        return col >= 0 && col < w_ && row >= 0 && row < h_ && coverage_[idx(col, row)] >= 0.8f;
    }
    double cover(int col, int row) const { return coverage_[idx(col, row)]; }
    double lum(int col, int row) const { return luminance(image_, col, row); }
    int clampCol(double c) const { return std::clamp(int(std::lround(c)), 0, w_ - 1); }
    int clampRow(double r) const { return std::clamp(int(std::lround(r)), 0, h_ - 1); }

    // Rightmost opaque column along the row through part y, starting from the gate side.
    double endOfFill(double y) const
    {
        const int row = clampRow(rowAt(-0.5, y));
        int last = -1;
        for (int col = clampCol(reg_.column(-kL + 0.3)); col < w_; ++col)
            if (solid(col, row) || solid(col, row - 1) || solid(col, row + 1))
                last = col;
        if (last < 0)
            return reg_.gateColumn;
        // Sub-pixel: the anti-aliased edge pixel's coverage says how far the part reaches in it.
        const double partial = last + 1 < w_ ? std::clamp(cover(last + 1, row), 0.0, 0.79) : 0.0;
        return last + 0.5 + partial;
    }

    // Filled length in pixels: the opaque height of every column right of the gate end, as a
    // fraction of the gate end's height (a rounded, lagging melt front counts in proportion).
    // Warpage only shifts columns up, so it does not change their counts.
    double filledLength() const
    {
        const double height = kProjectedHeight * reg_.pixelsPerUnit;
        double length = 0.0;
        for (int col = clampCol(reg_.gateColumn); col < w_; ++col) {
            double count = 0.0;
            for (int row = 0; row < h_; ++row)
                count += std::min(1.0, cover(col, row) / 0.8);
            length += std::min(1.0, count / height);
        }
        return length;
    }

    // Rightmost column that still holds most of the gate end's height in opaque pixels.
    double filledEndColumn() const
    {
        const double threshold = 0.45 * kProjectedHeight * reg_.pixelsPerUnit;
        int last = clampCol(reg_.gateColumn);
        for (int col = last; col < w_; ++col) {
            double count = 0.0;
            for (int row = 0; row < h_; ++row)
                count += std::min(1.0, cover(col, row) / 0.8);
            if (count >= threshold)
                last = col;
        }
        return last + 0.5;
    }

    double shortShot() const
    {
        return 1.0 - filledLength() / (2.0 * kL * reg_.pixelsPerUnit);
    }

    // Coverage of pixel (col, row) relative to the tray just beyond it, so that the tray's
    // shading gradient does not read as fins.
    double localCover(int col, int row, const Reference& local) const
    {
        return coverageOf(image_.at(col, row, 0), image_.at(col, row, 1), image_.at(col, row, 2), local);
    }

    // Fin width: coverage of the non-opaque pixels just below the silhouette along the near
    // long edge on the gate side (anti-aliasing adds a constant ~0.5 pixel). Only there: the
    // far edge's fins lie behind the part, and the gate end lies at the image border. The
    // fins stand out at the foot of the near wall, in front of everything, and a warped part
    // lifts wall and fin together, so warpage does not widen the band.
    double flash() const
    {
        double sum = 0.0;
        int edges = 0;
        const int reach = std::max(3, int(std::lround(0.3 * reg_.pixelsPerUnit)));
        for (int col = clampCol(reg_.column(-kL + 0.3)); col <= clampCol(reg_.column(-0.5)); ++col) {
            int bottom = -1;
            for (int row = 0; row < h_; ++row)
                if (solid(col, row))
                    bottom = row;
            if (bottom < 0 || bottom + reach + 2 >= h_)
                continue;
            // The tray just beyond the fins is the local reference, so that the tray's
            // shading gradient does not read as fins.
            Reference local = reference_;
            local.trayBlue = 0.0;
            local.trayLum = 0.0;
            for (int k : {reach + 1, reach + 2}) {
                const int r = bottom + k;
                local.trayBlue += 0.5 * blueness(image_.at(col, r, 0), image_.at(col, r, 1), image_.at(col, r, 2));
                local.trayLum += 0.5 * lum(col, r);
            }
            local.trayBlue = std::max(local.trayBlue, 0.05);
            for (int k = 1; k <= reach; ++k)
                sum += localCover(col, bottom + k, local);
            ++edges;
        }
        return edges ? sum / edges / reg_.pixelsPerUnit : 0.0;
    }

    // Mean absolute band-pass of luminance across the rows minus the same along the columns,
    // over part y in [y0, y1] and x in [x0, x1]. Sink grooves run along x, so they only show
    // across the rows; pixel noise (whose level varies between images) shows equally in both
    // directions and cancels.
    double grooveEnergy(double x0, double x1, double y0, double y1) const
    {
        double sum = 0.0;
        int count = 0;
        for (int col = std::max(clampCol(reg_.column(x0)), 2);
             col <= std::min(clampCol(reg_.column(x1)), w_ - 3); ++col) {
            const double x = -kL + (col - reg_.gateColumn) / reg_.pixelsPerUnit;
            const int r0 = clampRow(rowAt(x, y1)), r1 = clampRow(rowAt(x, y0));
            for (int row = std::max(r0, 2); row <= std::min(r1, h_ - 3); ++row) {
                if (!solid(col, row - 2) || !solid(col, row + 2) || !solid(col - 2, row) ||
                    !solid(col + 2, row))
                    continue;
                const double l = lum(col, row);
                sum += std::abs(l - 0.5 * (lum(col, row - 2) + lum(col, row + 2))) -
                       std::abs(l - 0.5 * (lum(col - 2, row) + lum(col + 2, row)));
                ++count;
            }
        }
        return count ? sum / count : 0.0;
    }

    double sinkMarks() const
    {
        // The near groove only, in a band just wider than the groove: on the 4^5 grid the far
        // groove alone reads 0.73 (its slopes face away from the light behind the part), and a
        // band of +-0.2 lets registration jitter in (both grooves +-0.2: 0.89, +-0.12: 0.935,
        // near alone +-0.12: 0.948).
        const double x0 = -kL + 0.25, x1 = -0.6;  // clear of the rib, hole and highlight
        const double sink = grooveEnergy(x0, x1, -kSinkY - 0.12, -kSinkY + 0.12);
        return sink / reg_.referenceLuminance;
    }

    double weldLines() const
    {
        // Column-averaged luminance profile across the line behind the round hole.
        const double x0 = kHoleX + kHoleRadius + 0.06, x1 = kRibX0 - 0.12;
        const int c0 = clampCol(reg_.column(x0)), c1 = clampCol(reg_.column(x1));
        constexpr int kHalf = 5;
        double profile[2 * kHalf + 1] = {};
        int count = 0;
        for (int col = c0; col <= c1; ++col) {
            const double x = -kL + (col - reg_.gateColumn) / reg_.pixelsPerUnit;
            const int centre = clampRow(rowAt(x, 0.0));
            bool ok = true;
            for (int k = -kHalf; k <= kHalf; ++k)
                ok = ok && solid(col, centre + k);
            if (!ok)
                continue;
            for (int k = -kHalf; k <= kHalf; ++k)
                profile[k + kHalf] += lum(col, centre + k);
            ++count;
        }
        if (count == 0)
            return 0.0;
        double best = 0.0;
        for (int k = -2; k <= 2; ++k) {
            const int i = k + kHalf;
            const double dip = 0.5 * (profile[i - 3] + profile[i + 3]) - profile[i];
            best = std::max(best, dip);
        }
        return best / count / reg_.referenceLuminance;
    }

    // Scorched melt is brown: red well above blue compared with the body colour at the same
    // brightness (shading and yellowing keep that ratio; white highlights lower it).
    double burnMarks() const
    {
        double excess = 0.0;
        const double bodyWarmth = reg_.referenceWarmth;
        for (double y = -0.92; y <= 0.92; y += 0.5 / reg_.rowsPerUnitY) {
            const double end = endOfFill(y);
            const int row = clampRow(rowAt(-0.5, y));
            for (int col = clampCol(end - 0.9 * reg_.pixelsPerUnit); col <= clampCol(end); ++col) {
                if (!solid(col, row))
                    continue;
                const double r = image_.at(col, row, 0), b = image_.at(col, row, 2);
                excess += std::max(0.0, (r - b) - (1.1 * bodyWarmth + 0.05) * lum(col, row));
            }
        }
        return excess / (reg_.pixelsPerUnit * reg_.rowsPerUnitY) * 2.0 / reg_.referenceLuminance;
    }

    std::vector<double> partLuminances() const
    {
        std::vector<double> values;
        for (int row = 0; row < h_; ++row)
            for (int col = 0; col < w_; ++col)
                if (solid(col, row))
                    values.push_back(lum(col, row));
        return values;
    }

    // Peak of the specular highlight over the body brightness (the light puts the highlight in
    // the middle of the lid): mean of the brightest 1 % of part pixels over their median.
    double gloss() const
    {
        std::vector<double> values = partLuminances();
        if (values.size() < 20)
            return 0.0;
        std::sort(values.begin(), values.end());
        const double med = values[values.size() / 2];
        const std::size_t top = std::max<std::size_t>(values.size() / 100, 3);
        double sum = 0.0;
        for (std::size_t i = values.size() - top; i < values.size(); ++i)
            sum += values[i];
        return (sum / top - med) / std::max(med, 0.02);
    }

    double yellowing() const
    {
        // Body colour: part pixels between the 20th and 90th luminance percentile (no shadows,
        // burns or highlights), as linear sRGB -> XYZ (D65) -> ASTM E313 yellowness index.
        std::vector<double> values = partLuminances();
        if (values.size() < 20)
            return 0.0;
        std::sort(values.begin(), values.end());
        const double lo = values[values.size() / 5], hi = values[values.size() * 9 / 10];
        double rgb[3] = {0, 0, 0};
        int count = 0;
        for (int row = 0; row < h_; ++row)
            for (int col = 0; col < w_; ++col) {
                if (!solid(col, row))
                    continue;
                const double l = lum(col, row);
                if (l < lo || l > hi)
                    continue;
                for (int c = 0; c < 3; ++c)
                    rgb[c] += image_.at(col, row, c);
                ++count;
            }
        const double r = rgb[0] / count, g = rgb[1] / count, b = rgb[2] / count;
        const double X = 0.4124 * r + 0.3576 * g + 0.1805 * b;
        const double Y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
        const double Z = 0.0193 * r + 0.1192 * g + 0.9505 * b;
        return 100.0 * (1.2985 * X - 1.1335 * Z) / std::max(Y, 1e-3);
    }

    // Bend of the far end. The warped lid is clamped at the gate and bends around its filled
    // length (z = A q, q = (column distance from the gate / filled length)^2), so the top (far
    // rim) and bottom (near wall) silhouette edges are rows = c + slope * column - A' q, with
    // the rigid-body slope known from the gate edge (registration). A' is fitted by least
    // squares over both edges (each with its own c) and returned in part units.
    double warpage() const
    {
        std::vector<double> ss, tops, bottoms;
        const double end = filledEndColumn();
        const double filled = std::max(end - reg_.gateColumn, 1.0);
        const int c0 = clampCol(reg_.column(-kL + 0.3));
        // Stop short of a short shot's front, whose corners lag behind its centre.
        const int c1 = clampCol(std::min(end - 0.5 * reg_.pixelsPerUnit, reg_.column(kL - 0.3)));
        // Sub-pixel edge from an isolated anti-aliased pixel; a wider partial band is a fin.
        auto partial = [&](int col, int row, int outward) {
            const int beyond = row + 2 * outward;
            if (beyond >= 0 && beyond < h_ && cover(col, beyond) > 0.2)
                return 0.0;
            return std::clamp(cover(col, row + outward) / 0.8, 0.0, 1.0);
        };
        for (int col = c0; col <= c1; ++col) {
            int top = 0;
            while (top < h_ && cover(col, top) < 0.8)
                ++top;
            int bottom = h_ - 1;
            while (bottom >= 0 && cover(col, bottom) < 0.8)
                --bottom;
            if (top == 0 || top >= h_ || bottom <= top || bottom >= h_ - 1)
                continue;
            const double rigid = reg_.rowSlope * (col - reg_.gateColumn);
            ss.push_back((col - reg_.gateColumn) / filled);
            tops.push_back(top - partial(col, top, -1) - rigid);
            bottoms.push_back(bottom + partial(col, bottom, +1) - rigid);
        }
        if (ss.size() < 4)
            return 0.0;
        // rows_i = c - A' q_i with q = s^2; least squares for (c, A') per edge, A' shared.
        double sq = 0, sqq = 0, n = double(ss.size());
        for (double s : ss)
            sq += s * s, sqq += s * s * s * s;
        const double varQ = sqq - sq * sq / n;
        if (varQ < 1e-6)
            return 0.0;
        double covTop = 0, covBottom = 0, sumTop = 0, sumBottom = 0;
        for (std::size_t i = 0; i < ss.size(); ++i)
            sumTop += tops[i], sumBottom += bottoms[i];
        for (std::size_t i = 0; i < ss.size(); ++i) {
            const double q = ss[i] * ss[i] - sq / n;
            covTop += q * (tops[i] - sumTop / n);
            covBottom += q * (bottoms[i] - sumBottom / n);
        }
        // The simulator keeps the end slope (2 lift / filled length) of a given warpage, so
        // report the lift per full length.
        const double liftPixels = -(0.75 * covTop + 0.25 * covBottom) / varQ;
        return liftPixels / filled * (2.0 * kL);
    }

private:
    std::size_t idx(int col, int row) const { return std::size_t(row) * w_ + col; }
    const ImageF& image_;
    int w_, h_;
    Reference reference_;
    std::vector<float> coverage_;
    std::vector<double> rowOffset_;
    PartRegistration reg_;
};

}  // namespace

double PartRegistration::column(double x) const { return gateColumn + (x + kL) * pixelsPerUnit; }

double PartRegistration::row(double x, double y) const
{
    return centreRow + rowSlope * (column(x) - gateColumn) - y * rowsPerUnitY;
}

namespace {

Reference imageReference(const ImageF& image)
{
    const int w = image.width, h = image.height;
    // The tray, from the image border (mostly tray).
    std::vector<double> borderBlue, borderLum;
    auto addBorder = [&](int col, int row) {
        const double r = image.at(col, row, 0), g = image.at(col, row, 1), b = image.at(col, row, 2);
        borderBlue.push_back(blueness(r, g, b));
        borderLum.push_back((r + g + b) / 3.0);
    };
    for (int col = 0; col < w; ++col)
        for (int row : {0, h - 1})
            addBorder(col, row);
    for (int row = 0; row < h; ++row)
        for (int col : {0, w - 1})
            addBorder(col, row);
    Reference ref;
    ref.trayBlue = std::max(median(borderBlue), 0.05);
    ref.trayLum = median(borderLum);
    // The part's body: clearly not-blue pixels, at their median brightness.
    std::vector<double> partBlue, partLum;
    for (int row = 0; row < h; ++row)
        for (int col = 0; col < w; ++col) {
            const double r = image.at(col, row, 0), g = image.at(col, row, 1), b = image.at(col, row, 2);
            if (blueness(r, g, b) < 0.3 * ref.trayBlue) {
                partBlue.push_back(blueness(r, g, b));
                partLum.push_back((r + g + b) / 3.0);
            }
        }
    // A part is never bluer than a tenth of the tray (keeps the estimates well posed).
    ref.partBlue = partBlue.empty() ? 0.0 : std::min(median(partBlue), 0.1 * ref.trayBlue);
    ref.partLum = partLum.empty() ? 0.5 : std::max(median(partLum), 2.0 * ref.trayLum);
    return ref;
}

}  // namespace

std::vector<float> partCoverage(const ImageF& image)
{
    const int w = image.width, h = image.height;
    const Reference ref = imageReference(image);
    std::vector<float> coverage(std::size_t(w) * h);
    for (int row = 0; row < h; ++row)
        for (int col = 0; col < w; ++col)
            coverage[std::size_t(row) * w + col] = float(
                coverageOf(image.at(col, row, 0), image.at(col, row, 1), image.at(col, row, 2), ref));
    return coverage;
}

PartRegistration registerPart(const ImageF& image)
{
    const int w = image.width, h = image.height;
    const std::vector<float> coverage = partCoverage(image);
    auto solid = [&](int col, int row) { return coverage[std::size_t(row) * w + col] >= 0.8f; };
    PartRegistration reg;
    // Gate end: median over rows of the leftmost opaque pixel (rows with enough part).
    std::vector<double> lefts;
    int top = h, bottom = -1;
    for (int row = 0; row < h; ++row) {
        int count = 0, first = -1;
        for (int col = 0; col < w; ++col)
            if (solid(col, row)) {
                if (first < 0)
                    first = col;
                ++count;
            }
        if (count >= w / 8) {
            lefts.push_back(first);
            top = std::min(top, row);
            bottom = std::max(bottom, row);
        }
    }
    if (lefts.size() < 4)
        return reg;
    std::sort(lefts.begin(), lefts.end());
    // The straight gate edge is the most common leftmost column; the rounded corners lie right
    // of it, so a low percentile is robust.
    const double gate = lefts[lefts.size() / 4];
    // Scale from the height of the gate end, then refine top/bottom edges over its columns.
    double ppu = (bottom - top + 1) / kProjectedHeight;
    std::vector<double> xs, tops, bottoms;
    for (int col = int(gate + 0.3 * ppu); col <= int(gate + 1.0 * ppu) && col < w; ++col) {
        int t = -1, b = -1;
        for (int row = 0; row < h; ++row)
            if (solid(col, row)) {
                if (t < 0)
                    t = row;
                b = row;
            }
        if (t < 0)
            continue;
        xs.push_back(col);
        tops.push_back(t);
        bottoms.push_back(b);
    }
    if (xs.size() < 3)
        return reg;
    const LineFit topFit = fitLine(xs, tops), bottomFit = fitLine(xs, bottoms);
    const double height = (bottomFit.a + bottomFit.b * gate) - (topFit.a + topFit.b * gate) + 1.0;
    ppu = height / kProjectedHeight;
    reg.found = ppu > 2.0;
    reg.gateColumn = gate;
    reg.pixelsPerUnit = ppu;
    // In-plane rotation from the straight gate edge (x = -L): its column drifts by
    // tan(phi) / cos(t) per row, and the long edges then climb by -that * cos^2(t) per column.
    {
        std::vector<double> rowsAt, colsAt;
        const double centre = 0.5 * (topFit.a + topFit.b * gate + bottomFit.a + bottomFit.b * gate);
        const double half = 0.5 * (bottomFit.a - topFit.a);
        for (int row = int(centre - 0.6 * half); row <= int(centre + 0.6 * half); ++row) {
            if (row < 0 || row >= h)
                continue;
            int first = -1;
            for (int col = 0; col < w && first < 0; ++col)
                if (solid(col, row))
                    first = col;
            if (first <= 0)
                continue;
            const double partial = std::clamp(coverage[std::size_t(row) * w + first - 1] / 0.8, 0.0, 1.0);
            rowsAt.push_back(row);
            colsAt.push_back(first - partial);
        }
        const LineFit gateEdge = fitLine(rowsAt, colsAt);
        reg.rowSlope = rowsAt.size() >= 4 ? -gateEdge.b * kNominalCos * kNominalCos
                                          : 0.5 * (topFit.b + bottomFit.b);
    }
    reg.rowsPerUnitY = kNominalCos * ppu;
    // The top edge is the far rim (y = +1, lifted by the rim); the centre line is one
    // half-width below it.
    reg.centreRow = topFit.a + topFit.b * gate + (kW * kNominalCos + kRimHeight * kNominalSin) * ppu;
    std::vector<double> lums, warmths, bluenesses;
    for (int col = int(gate + 0.2 * ppu); col <= int(gate + 0.5 * ppu) && col < w; ++col)
        for (double y = -0.8; y <= 0.8; y += 0.1) {
            const int row = int(std::lround(reg.row(-kL + (col - gate) / ppu, y)));
            if (row >= 0 && row < h && solid(col, row)) {
                const double l = luminance(image, col, row);
                lums.push_back(l);
                bluenesses.push_back(blueness(image.at(col, row, 0), image.at(col, row, 1), image.at(col, row, 2)));
                warmths.push_back((image.at(col, row, 0) - image.at(col, row, 2)) / std::max(l, 0.02));
            }
        }
    reg.referenceLuminance = std::max(median(lums), 0.02);
    // Specular light is white and lowers the ratio; the upper quartile is the body itself.
    if (!warmths.empty()) {
        std::sort(warmths.begin(), warmths.end());
        reg.referenceWarmth = warmths[warmths.size() * 3 / 4];
    }
    reg.partBlueness = median(bluenesses);
    return reg;
}

EffectMeasurements measureEffects(const ImageF& image)
{
    if (image.width < 8 || image.height < 8 ||
        image.pixels.size() != std::size_t(image.width) * image.height * 3)
        throw Error("effect measures: image of " + std::to_string(image.width) + "x" +
                    std::to_string(image.height) + " with " + std::to_string(image.pixels.size()) +
                    " values is not an RGB image of at least 8x8");
    const Analysis a(image);
    EffectMeasurements m;
    m.values[std::size_t(Effect::ShortShot)] = a.shortShot();
    m.values[std::size_t(Effect::Flash)] = a.flash();
    m.values[std::size_t(Effect::SinkMarks)] = a.sinkMarks();
    m.values[std::size_t(Effect::WeldLines)] = a.weldLines();
    m.values[std::size_t(Effect::BurnMarks)] = a.burnMarks();
    m.values[std::size_t(Effect::Gloss)] = a.gloss();
    m.values[std::size_t(Effect::Yellowing)] = a.yellowing();
    m.values[std::size_t(Effect::Warpage)] = a.warpage();
    return m;
}

double measureEffect(Effect effect, const ImageF& image)
{
    return measureEffects(image)[effect];
}

}  // namespace lf::process
