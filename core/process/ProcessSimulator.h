#pragma once
// Procedural renderer of an injection-moulded ABS lid (a 3.2 x 2 plate with a raised rim,
// two stiffening ribs, a boss with a through hole, a round hole, and two hidden underside
// ribs) as it would come out of the mould at given process parameters. The part is a height
// field ray-marched under an orthographic camera with a Phong point light; every defect of
// DefectModel changes the height field or the albedo where it physically appears:
//   short shot  far end of the flow path (away from the gate at x = -L) missing, rounded front
//   flash       thin translucent fins outside the outline at the parting line
//   sink marks  shallow grooves over the underside ribs and a dish in the boss top
//   weld lines  thin dark notches behind the hole and the boss, where the fronts met
//   burn marks  dark brown streaks just behind the last-filled front
//   gloss       sharper, brighter specular highlight
//   yellowing   albedo shifted towards yellow/brown
//   warpage     the far end bent upwards (clamped at the gate end)
// Nuisance (view, light, colour lot, background, noise) is drawn from a seed, so the same
// parameters look different across seeds while the process effects stay put.
#include "core/process/DefectModel.h"
#include "core/process/ProcessParameters.h"

#include <cstdint>
#include <vector>

namespace lf::process {

// An RGB image, row-major HWC, values in [0, 1].
struct ImageF {
    int width = 0;
    int height = 0;
    std::vector<float> pixels;  // width * height * 3
    float at(int x, int y, int channel) const { return pixels[(std::size_t(y) * width + x) * 3 + channel]; }
};
struct ImageU8 {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> pixels;  // width * height * 3
};
ImageU8 toUint8(const ImageF& image);
ImageF toFloat(const ImageU8& image);

// Everything about an image that is not the process: drawn from a seed by sampleNuisance.
struct Nuisance {
    double azimuthDeg = 0.0;        // in-plane rotation of the part
    double tiltDeg = 28.0;          // camera elevation away from straight down
    double scale = 1.0;             // zoom
    double offsetX = 0.0;           // screen offset, fraction of the image width
    double offsetY = 0.0;
    double lightX = 0.05, lightY = 1.12, lightZ = 2.1;  // point light, world units (above the tray)
    double baseColour[3] = {0.78, 0.77, 0.74};        // colour lot (linear RGB albedo)
    double backgroundColour[3] = {0.10, 0.16, 0.30};  // blue-grey tray
    double noiseSigma = 0.01;
    std::uint64_t noiseSeed = 1;
    double burnStreakY[4] = {-0.75, -0.25, 0.3, 0.8};  // where the trapped air ends up
    double finPhase = 0.0;          // irregularity of the flash fins along the perimeter
};
Nuisance sampleNuisance(std::uint64_t seed);
// The nuisance at the centre of every range (used for clean parameter sweeps).
Nuisance canonicalNuisance();

// Bumped whenever the same parameters and seed draw different pixels, so that a dataset or a
// model records which pictures it was made from. 2: fins at the foot of the side wall, wider;
// a warped part lifts off the tray (docs/PROCESS.md, "Renderer").
inline constexpr int kSimulatorRevision = 2;

struct RenderOptions {
    int width = 64;
    int height = 64;
};

// Throws lf::Error for sizes outside 8..4096. Deterministic: same inputs, same pixels.
ImageF renderPart(const ProcessParameters& parameters, const Nuisance& nuisance,
                  const RenderOptions& options = {});
// The same picture for given severities instead of parameters: shows one effect in isolation
// (contact sheets, measure validation). renderPart(p, ...) == renderSeverities(
// computeSeverities(p), ...).
ImageF renderSeverities(const DefectSeverities& severities, const Nuisance& nuisance,
                        const RenderOptions& options = {});
// renderPart(parameters, sampleNuisance(seed), options).
ImageF simulateProcess(const ProcessParameters& parameters, std::uint64_t seed,
                       const RenderOptions& options = {});

// Deterministic 64-bit mixing (splitmix64), used for every random draw of the simulator so
// that results do not depend on the standard library's distributions.
std::uint64_t mixSeed(std::uint64_t value);
// Uniform double in [0, 1) from the n-th draw of a seed.
double uniformFromSeed(std::uint64_t seed, std::uint64_t n);

}  // namespace lf::process
