#include "core/process/ProcessSimulator.h"

#include "core/util/Error.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

namespace lf::process {

std::uint64_t mixSeed(std::uint64_t value)
{
    value += 0x9E3779B97F4A7C15ull;
    value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9ull;
    value = (value ^ (value >> 27)) * 0x94D049BB133111EBull;
    return value ^ (value >> 31);
}

double uniformFromSeed(std::uint64_t seed, std::uint64_t n)
{
    return double(mixSeed(mixSeed(seed) ^ (n * 0xD1B54A32D192ED03ull)) >> 11) * 0x1.0p-53;
}

ImageU8 toUint8(const ImageF& image)
{
    ImageU8 out{image.width, image.height, std::vector<std::uint8_t>(image.pixels.size())};
    for (std::size_t i = 0; i < image.pixels.size(); ++i)
        out.pixels[i] = std::uint8_t(std::lround(std::clamp(image.pixels[i], 0.0f, 1.0f) * 255.0f));
    return out;
}

ImageF toFloat(const ImageU8& image)
{
    ImageF out{image.width, image.height, std::vector<float>(image.pixels.size())};
    for (std::size_t i = 0; i < image.pixels.size(); ++i)
        out.pixels[i] = float(image.pixels[i]) / 255.0f;
    return out;
}

namespace {

double lerp(double a, double b, double t) { return a + (b - a) * t; }

}  // namespace

Nuisance canonicalNuisance() { return Nuisance{}; }

Nuisance sampleNuisance(std::uint64_t seed)
{
    std::uint64_t n = 0;
    auto u = [&](double lo, double hi) { return lerp(lo, hi, uniformFromSeed(seed, n++)); };
    Nuisance z;
    z.azimuthDeg = u(-4.0, 4.0);
    z.tiltDeg = u(26.5, 29.5);
    z.scale = u(0.94, 1.04);
    z.offsetX = u(-0.025, 0.025);
    z.offsetY = u(-0.025, 0.025);
    // The point light is placed so that its mirror highlight lands on the middle of the lid
    // (between the hole and the second rib) (a glossy part always shows it) and the light always grazes from behind, which
    // keeps the shading of sinks and weld lines comparable across seeds.
    const double highlightX = u(-0.2, 0.3), highlightY = u(-0.25, 0.25);
    z.lightZ = u(1.8, 2.4);
    {
        const double phi = z.azimuthDeg * std::numbers::pi / 180.0;
        const double tanT = std::tan(z.tiltDeg * std::numbers::pi / 180.0);
        z.lightX = std::cos(phi) * highlightX - std::sin(phi) * highlightY;
        z.lightY = std::sin(phi) * highlightX + std::cos(phi) * highlightY + z.lightZ * tanT;
    }
    // Colour lots of a natural/light-grey ABS: lightness and a slight warm/cool tint.
    const double lightness = u(0.62, 0.82);
    const double tint = u(-0.025, 0.025);
    z.baseColour[0] = lightness * (1.0 + tint);
    z.baseColour[1] = lightness * (1.0 + 0.3 * tint);
    z.baseColour[2] = lightness * (1.0 - tint);
    const double bg = u(0.8, 1.2);
    z.backgroundColour[0] = 0.09 * bg;
    z.backgroundColour[1] = u(0.13, 0.19) * bg;
    z.backgroundColour[2] = u(0.27, 0.36) * bg;
    z.noiseSigma = u(0.004, 0.016);
    z.noiseSeed = mixSeed(seed ^ 0xA5A5A5A5ull);
    const double streaks[4] = {-0.75, -0.25, 0.3, 0.78};
    for (int i = 0; i < 4; ++i)
        z.burnStreakY[i] = streaks[i] + u(-0.1, 0.1);
    z.finPhase = u(0.0, 2.0 * std::numbers::pi);
    return z;
}

namespace {

// Part geometry, in part units (the plate is 2L x 2W, gate at x = -L).
constexpr double kL = 1.6, kW = 1.0, kCorner = 0.2;
constexpr double kThickness = 0.15;        // visible side wall height below the top face
constexpr double kRimWidth = 0.07, kRimHeight = 0.06;
constexpr double kRibX[2] = {-0.2, 0.6};
constexpr double kRibHalfWidth = 0.035, kRibHalfLength = 0.85, kRibHeight = 0.10;
constexpr double kBossX = 1.05, kBossRadius = 0.3, kBossHoleRadius = 0.13, kBossHeight = 0.22;
constexpr double kHoleX = -0.9, kHoleY = 0.0, kHoleRadius = 0.14;
constexpr double kSinkY = 0.55;            // the hidden underside ribs run along x here
constexpr double kFinThickness = 0.03;     // flash is a thin sheet of melt in the parting line
constexpr double kMaxWarpLift = 0.75;

enum class SurfaceKind : unsigned char { None, Part, Fin };
// The part seen from above: solid between zLow and z at a point (x, y).
struct Surface {
    double z;
    SurfaceKind kind;
    double zLow = 0.0;
};

double roundedRectDistance(double x, double y)
{
    const double qx = std::abs(x) - (kL - kCorner), qy = std::abs(y) - (kW - kCorner);
    const double ox = std::max(qx, 0.0), oy = std::max(qy, 0.0);
    return std::sqrt(ox * ox + oy * oy) + std::min(std::max(qx, qy), 0.0) - kCorner;
}

double smoothRamp(double t)  // 0 below 0, 1 above 1, C1 in between
{
    t = std::clamp(t, 0.0, 1.0);
    return t * t * (3.0 - 2.0 * t);
}

class PartModel {
public:
    PartModel(const DefectSeverities& s, const Nuisance& nuisance) : s_(s), n_(nuisance)
    {
        // The short-shot front (slightly convex: the centre of a fan-gated plate leads) starts just
        // beyond the far wall so that S ~ 0 leaves the part whole.
        frontX_ = kL + 0.1 - s[Effect::ShortShot] * (0.55 * 2.0 * kL + 0.1);
        // Fins appear as soon as the clamp lets go anywhere along the parting line: width ~ sqrt(S).
        finWidth_ = 0.30 * std::sqrt(s[Effect::Flash]);
        burnLength_ = 0.3 + 0.5 * s[Effect::BurnMarks];
        // Warpage bends the part around the length that was actually filled (clamped at the
        // gate), with the same end slope whatever that length, so a short shot still shows it.
        filledLength_ = std::clamp(frontX_, 0.0, kL) + kL;
        // A slight warp is already visible as a bend: lift ~ S^0.7.
        warpLift_ = kMaxWarpLift * std::pow(s[Effect::Warpage], 0.7) * filledLength_ / (2.0 * kL);
    }

    // Where the melt front stopped at row y (only meaningful for short shots).
    double frontAt(double y) const { return frontX_ - 0.15 * (y / kW) * (y / kW); }
    // Last-filled x at row y: the front, or the far wall.
    double endOfFill(double y) const
    {
        const double a = std::max(std::abs(y) - (kW - kCorner), 0.0);
        const double wall = (kL - kCorner) + std::sqrt(std::max(kCorner * kCorner - a * a, 0.0));
        return std::min(frontAt(y), wall);
    }

    Surface surface(double x, double y) const
    {
        if (std::abs(x) > kL + 0.2 || std::abs(y) > kW + 0.2)
            return {0.0, SurfaceKind::None};
        if (x > frontAt(y))
            return {0.0, SurfaceKind::None};
        const double along = (x + kL) / filledLength_;
        const double warp = warpLift_ * along * along;
        const double d = roundedRectDistance(x, y);
        if (d > 0.0) {
            if (finWidth_ <= 0.0 || d > finWidth_)
                return {0.0, SurfaceKind::None};
            const double a = std::atan2(y / kW, x / kL);
            const double irregular = 0.55 + 0.45 * std::sin(29.0 * a + n_.finPhase) *
                                                std::sin(17.0 * a + 2.0 * n_.finPhase);
            if (d > finWidth_ * irregular)
                return {0.0, SurfaceKind::None};
            // The parting line runs round the lid's open edge, at the foot of the side wall, so
            // a fin stands out in front of the wall instead of hiding behind it.
            return {warp - kThickness + kFinThickness, SurfaceKind::Fin, warp - kThickness};
        }
        const double hx = x - kHoleX, hy = y - kHoleY;
        if (hx * hx + hy * hy < kHoleRadius * kHoleRadius)
            return {0.0, SurfaceKind::None};
        const double bx = x - kBossX;
        const double br2 = bx * bx + y * y;
        if (br2 < kBossHoleRadius * kBossHoleRadius)
            return {0.0, SurfaceKind::None};

        double z = 0.0;
        if (d > -kRimWidth)
            z = kRimHeight;
        for (double ribX : kRibX)
            if (std::abs(x - ribX) < kRibHalfWidth && std::abs(y) < kRibHalfLength)
                z = kRibHeight;
        const double sink = s_[Effect::SinkMarks];
        if (br2 < kBossRadius * kBossRadius) {
            // Sink: the thick boss top dishes in.
            z = kBossHeight - 0.07 * sink * (1.0 - br2 / (kBossRadius * kBossRadius));
        } else if (sink > 0.0 && std::abs(x) < kL - 0.12) {
            // Sink: grooves over the hidden underside ribs, fading towards the ends.
            const double along = smoothRamp((kL - 0.12 - std::abs(x)) / 0.25);
            const double g1 = (y - kSinkY) / 0.11, g2 = (y + kSinkY) / 0.11;
            z -= 0.06 * sink * along * (std::exp(-g1 * g1) + std::exp(-g2 * g2));
        }
        // Weld lines: a shallow notch (the colour is darkened separately, see albedo()).
        z -= 0.012 * s_[Effect::WeldLines] * weldProfile(x, y);
        // A warped part lifts off the tray: its side wall keeps its height.
        return {z + warp, SurfaceKind::Part, warp - kThickness};
    }

    // 0..1: how much of a weld line passes through (x, y).
    double weldProfile(double x, double y) const
    {
        double profile = 0.0;
        const double across = y / 0.035;
        const double line = std::exp(-across * across);
        if (line < 1e-3)
            return 0.0;
        // Behind the round hole, up to the first rib; behind the boss hole, to the far wall.
        const double holeStart = kHoleX + kHoleRadius, holeEnd = kRibX[0] - kRibHalfWidth;
        if (x > holeStart && x < holeEnd)
            profile = std::max(profile, 1.0 - 0.5 * (x - holeStart) / (holeEnd - holeStart));
        const double bossStart = kBossX + kBossRadius, bossEnd = kL - kRimWidth;
        if (x > bossStart && x < bossEnd)
            profile = std::max(profile, 1.0 - 0.4 * (x - bossStart) / (bossEnd - bossStart));
        return profile * line;
    }

    // 0..1: burn streak coverage at (x, y).
    double burnMask(double x, double y) const
    {
        const double end = endOfFill(y);
        const double t = 1.0 - (end - x) / burnLength_;
        if (t <= 0.0)
            return 0.0;
        double across = 0.0;
        for (double streakY : n_.burnStreakY) {
            const double q = (y - streakY) / 0.075;
            across += std::exp(-q * q);
        }
        return std::min(1.0, across) * std::pow(std::min(t, 1.0), 1.5);
    }

    void albedo(double x, double y, double rgb[3]) const
    {
        const double yellow = s_[Effect::Yellowing];
        // Thermal degradation absorbs blue first (yellow), then green (brown).
        const double tint[3] = {1.0 - 0.08 * yellow, 1.0 - 0.15 * yellow, 1.0 - 0.48 * yellow};
        for (int c = 0; c < 3; ++c)
            rgb[c] = n_.baseColour[c] * tint[c];
        const double weld = 0.6 * s_[Effect::WeldLines] * weldProfile(x, y);
        for (int c = 0; c < 3; ++c)
            rgb[c] *= 1.0 - weld;
        // Scorching shows early (a faint brown tinge at low severity): coverage ~ sqrt(S).
        const double burn = std::min(1.0, 1.05 * std::sqrt(s_[Effect::BurnMarks])) * burnMask(x, y);
        const double burnt[3] = {0.30, 0.15, 0.04};
        for (int c = 0; c < 3; ++c)
            rgb[c] = lerp(rgb[c], burnt[c], burn);
    }

private:
    DefectSeverities s_;
    Nuisance n_;
    double frontX_ = kL;
    double finWidth_ = 0.0;
    double burnLength_ = 0.3;
    double filledLength_ = 2.0 * kL;
    double warpLift_ = 0.0;
};

double noiseSample(std::uint64_t seed, std::uint64_t index)
{
    // Sum of two uniforms: a cheap, bounded, roughly Gaussian sample with unit variance.
    const double a = uniformFromSeed(seed, 2 * index), b = uniformFromSeed(seed, 2 * index + 1);
    return (a + b - 1.0) * std::sqrt(6.0);
}

}  // namespace

ImageF renderPart(const ProcessParameters& parameters, const Nuisance& nuisance,
                  const RenderOptions& options)
{
    return renderSeverities(computeSeverities(parameters), nuisance, options);
}

ImageF renderSeverities(const DefectSeverities& severities, const Nuisance& nuisance,
                        const RenderOptions& options)
{
    if (options.width < 8 || options.height < 8 || options.width > 4096 || options.height > 4096)
        throw Error("process simulator: image size " + std::to_string(options.width) + "x" +
                    std::to_string(options.height) + " is outside 8..4096 pixels");
    for (double value : severities.values)
        if (!(value >= 0.0 && value <= 1.0))
            throw Error("process simulator: severities must lie in [0, 1]");
    const PartModel part(severities, nuisance);

    const int w = options.width, h = options.height;
    const double theta = nuisance.tiltDeg * std::numbers::pi / 180.0;
    const double phi = nuisance.azimuthDeg * std::numbers::pi / 180.0;
    const double sinT = std::sin(theta), cosT = std::cos(theta);
    const double cosP = std::cos(phi), sinP = std::sin(phi);
    const double unitsPerPixel = 1.0 / (std::min(w / (2.0 * kL * 1.07), h / 2.1) * nuisance.scale);
    const double viewDir[3] = {0.0, -sinT, cosT};  // from the surface towards the camera

    const double gloss = severities[Effect::Gloss];
    const double specularStrength = 0.02 + 0.55 * gloss;
    const double specularExponent = 6.0 + 70.0 * gloss;
    const double diffuseStrength = 0.5 + 0.08 * (1.0 - gloss);  // matte surfaces scatter more
    constexpr double ambient = 0.2;  // with the diffuse term: highlights stay below clipping

    constexpr double zTop = kBossHeight + kMaxWarpLift + kRimHeight + 0.03;
    constexpr double zBottom = -kThickness;
    constexpr double dz = 0.025;
    const double eps = 0.5 * unitsPerPixel;

    // Shades one ray through screen point (sx, sy); returns what it hit.
    auto shade = [&](double sx, double sy, double rgb[3]) -> SurfaceKind {
        // World point on the ray at height Z, and the same point in part coordinates.
        auto partXY = [&](double Z, double& x, double& y, double& Y) {
            Y = (sy - Z * sinT) / cosT;
            x = cosP * sx + sinP * Y;
            y = -sinP * sx + cosP * Y;
        };
        double hitZ = 0.0, hx = 0.0, hy = 0.0, hY = 0.0;
        Surface hitSurface{0.0, SurfaceKind::None};
        double prevZ = zTop;
        for (double Z = zTop; Z >= zBottom - 1e-9; Z -= dz) {
            double x, y, Y;
            partXY(Z, x, y, Y);
            const Surface surface = part.surface(x, y);
            if (surface.kind != SurfaceKind::None && Z <= surface.z && Z >= surface.zLow) {
                // Bisect between the last miss and this hit.
                double lo = prevZ, hi = Z;
                for (int i = 0; i < 7; ++i) {
                    const double mid = 0.5 * (lo + hi);
                    double mx, my, mY;
                    partXY(mid, mx, my, mY);
                    const Surface m = part.surface(mx, my);
                    if (m.kind != SurfaceKind::None && mid <= m.z && mid >= m.zLow)
                        hi = mid;
                    else
                        lo = mid;
                }
                hitZ = hi;
                partXY(hi, hx, hy, hY);
                hitSurface = part.surface(hx, hy);
                break;
            }
            prevZ = Z;
        }
        if (hitSurface.kind == SurfaceKind::None)
            return SurfaceKind::None;
        // Normal from finite differences of the height field; where a neighbour has no
        // surface (a wall) it counts as a drop, which tilts the normal outwards.
        auto heightAt = [&](double x, double y) {
            const Surface s = part.surface(x, y);
            return s.kind == SurfaceKind::None ? hitSurface.z - 0.3 : s.z;
        };
        const double dhdx = (heightAt(hx + eps, hy) - heightAt(hx - eps, hy)) / (2 * eps);
        const double dhdy = (heightAt(hx, hy + eps) - heightAt(hx, hy - eps)) / (2 * eps);
        // Rotate the part-space normal into the world.
        double nx = cosP * -dhdx - sinP * -dhdy, ny = sinP * -dhdx + cosP * -dhdy, nz = 1.0;
        const double nl = 1.0 / std::sqrt(nx * nx + ny * ny + nz * nz);
        nx *= nl, ny *= nl, nz *= nl;
        double lx = nuisance.lightX - sx, ly = nuisance.lightY - hY, lz = nuisance.lightZ - hitZ;
        const double ll = 1.0 / std::sqrt(lx * lx + ly * ly + lz * lz);
        lx *= ll, ly *= ll, lz *= ll;
        const double diffuse = std::max(0.0, nx * lx + ny * ly + nz * lz);
        const double hxv = lx + viewDir[0], hyv = ly + viewDir[1], hzv = lz + viewDir[2];
        const double hl = 1.0 / std::sqrt(hxv * hxv + hyv * hyv + hzv * hzv);
        const double nh = std::max(0.0, (nx * hxv + ny * hyv + nz * hzv) * hl);
        const double specular =
            diffuse > 0.0 ? specularStrength * std::pow(nh, specularExponent) : 0.0;
        double albedo[3];
        part.albedo(hx, hy, albedo);
        const bool fin = hitSurface.kind == SurfaceKind::Fin;
        for (int c = 0; c < 3; ++c) {
            const double shaded = albedo[c] * (ambient + diffuseStrength * diffuse) + specular;
            // Fins are thin enough to let the tray show through.
            rgb[c] = fin ? lerp(rgb[c], shaded, 0.6) : shaded;
        }
        return hitSurface.kind;
    };

    auto screenX = [&](double col) { return (col - 0.5 * w) * unitsPerPixel - nuisance.offsetX * 2.0 * kL; };
    auto screenY = [&](double row) { return (0.5 * h - row) * unitsPerPixel + nuisance.offsetY * 2.0 * kL; };
    auto background = [&](int row, double rgb[3]) {
        const double gradient = 0.85 + 0.3 * (1.0 - double(row) / h);
        for (int c = 0; c < 3; ++c)
            rgb[c] = nuisance.backgroundColour[c] * gradient;
    };

    // Pass 1: one ray through each pixel centre.
    std::vector<double> colour(std::size_t(w) * h * 3);
    std::vector<SurfaceKind> kinds(std::size_t(w) * h);
    for (int row = 0; row < h; ++row)
        for (int col = 0; col < w; ++col) {
            double* rgb = &colour[(std::size_t(row) * w + col) * 3];
            background(row, rgb);
            kinds[std::size_t(row) * w + col] = shade(screenX(col + 0.5), screenY(row + 0.5), rgb);
        }
    // Pass 2: anti-alias silhouettes (2x2 supersampling where the hit kind changes), so that
    // edges, fins and the fill front move continuously with the parameters.
    std::vector<double> smooth = colour;
    for (int row = 0; row < h; ++row)
        for (int col = 0; col < w; ++col) {
            const SurfaceKind k = kinds[std::size_t(row) * w + col];
            bool edge = false;
            for (auto [dr, dc] : {std::pair{-1, 0}, {1, 0}, {0, -1}, {0, 1}}) {
                const int r = row + dr, c = col + dc;
                if (r >= 0 && r < h && c >= 0 && c < w && kinds[std::size_t(r) * w + c] != k)
                    edge = true;
            }
            if (!edge)
                continue;
            double sum[3] = {0, 0, 0};
            for (double oy : {0.25, 0.75})
                for (double ox : {0.25, 0.75}) {
                    double rgb[3];
                    background(row, rgb);
                    shade(screenX(col + ox), screenY(row + oy), rgb);
                    for (int c = 0; c < 3; ++c)
                        sum[c] += 0.25 * rgb[c];
                }
            for (int c = 0; c < 3; ++c)
                smooth[(std::size_t(row) * w + col) * 3 + c] = sum[c];
        }

    ImageF image{w, h, std::vector<float>(std::size_t(w) * h * 3)};
    for (int row = 0; row < h; ++row) {
        for (int col = 0; col < w; ++col) {
            const double* rgb = &smooth[(std::size_t(row) * w + col) * 3];
            const std::uint64_t index = std::uint64_t(row) * w + col;
            const double grain = nuisance.noiseSigma * noiseSample(nuisance.noiseSeed, index);
            float* out = &image.pixels[index * 3];
            for (int c = 0; c < 3; ++c)
                out[c] = float(std::clamp(rgb[c] + grain * (0.7 + 0.3 * c / 2.0), 0.0, 1.0));
        }
    }
    return image;
}

ImageF simulateProcess(const ProcessParameters& parameters, std::uint64_t seed,
                       const RenderOptions& options)
{
    return renderPart(parameters, sampleNuisance(seed), options);
}

}  // namespace lf::process
