#pragma once
// Measurements of each moulding effect on an RGB image alone: no access to the simulator's
// state, so the same functions score images produced by a generative model. What they do
// know is the part's design (the nominal lid geometry, as an inspection station knows the
// CAD) and that it lies on a blue tray. Each image is registered first: the part is
// segmented from the tray by its lack of blue, the gate-side end (always filled) fixes the
// scale, position and in-plane rotation, and every measure reads the regions of the design
// where its effect appears.
#include "core/process/DefectModel.h"
#include "core/process/ProcessSimulator.h"

#include <array>
#include <vector>

namespace lf::process {

// Where the part is in the image (pixels), from the gate end.
struct PartRegistration {
    bool found = false;
    double gateColumn = 0.0;       // column of the gate-side end (x = -L)
    double pixelsPerUnit = 0.0;    // scale along x
    double centreRow = 0.0;        // row of the part's centre line (y = 0) at gateColumn
    double rowSlope = 0.0;         // change of the centre row per column (in-plane rotation)
    double rowsPerUnitY = 0.0;     // rows per unit of y (foreshortened by the view)
    double referenceLuminance = 0.0;  // median luminance of the gate-side part surface
    double referenceWarmth = 0.0;     // upper-quartile (R - B) / luminance there: body colour
    double partBlueness = 0.0;        // median B - (R + G) / 2 there
    double column(double x) const;          // part x -> image column
    double row(double x, double y) const;   // part (x, y) on the top face -> image row
};

// Per-pixel "partness" (0 = tray, 1 = opaque part): the mixing fraction of tray and part body
// colour, robust to shading and tinted (yellowed) parts.
std::vector<float> partCoverage(const ImageF& image);
PartRegistration registerPart(const ImageF& image);

struct EffectMeasurements {
    std::array<double, kEffectCount> values{};
    double operator[](Effect effect) const { return values[static_cast<std::size_t>(effect)]; }
};

// Every measure grows with its effect:
//   short_shot  unfilled fraction of the nominal length (column-wise opaque height)
//   flash       mean width (part units) of translucent fin coverage below the near edge
//   sink_marks  band-pass shading energy across the rows over the hidden ribs minus the same
//               along the columns (noise cancels), relative to the body luminance
//   weld_lines  relative dip of luminance along the weld line behind the hole
//   burn_marks  excess of (R - B) over the body colour's in the last-filled region, per area
//   gloss       luminance of the brightest 1% of part pixels above the median, relative
//   yellowing   ASTM E313 yellowness index of the part's body colour
//   warpage     upward bend of the far end (part units x sin(view tilt)) from the top edge
// Throws lf::Error when no part is found in the image.
EffectMeasurements measureEffects(const ImageF& image);
double measureEffect(Effect effect, const ImageF& image);

}  // namespace lf::process
