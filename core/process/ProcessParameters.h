#pragma once
// Process parameters of an injection-moulded part, their units and training ranges, and the
// mapping to the normalised [-1, 1] coordinates a conditional generative model is trained on.
//
// Material: a general-purpose injection-moulding ABS (typical datasheet processing window:
// melt 220-260 C, max ~280 C before degradation; mould 40-80 C; injection pressure
// 50-130 MPa). The training ranges below deliberately extend past that window on every side
// so that the defects the window exists to avoid (short shots, flash, sinks, weld lines,
// burns, yellowing, warpage) appear in the training data.
#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace lf::process {

enum class ProcessParameter : std::size_t {
    MeltTemperature = 0,    // C, temperature of the melt in front of the screw
    MouldTemperature,       // C, cavity wall temperature
    InjectionPressure,      // MPa, melt pressure during injection/packing
    InjectionSpeed,         // mm/s, screw advance speed during injection
    CoolingTime,            // s, time in the closed mould after packing
};
inline constexpr std::size_t kParameterCount = 5;

struct ParameterSpec {
    ProcessParameter parameter;
    std::string_view name;       // machine name, e.g. "melt_temperature"
    std::string_view label;      // human name, e.g. "melt temperature"
    std::string_view unit;       // e.g. "C"
    double minimum;              // training range, physical units
    double maximum;
    double nominal;              // centre of the ABS processing window
};

// The five specs, indexed by ProcessParameter.
const std::array<ParameterSpec, kParameterCount>& parameterSpecs();
const ParameterSpec& parameterSpec(ProcessParameter parameter);
// Throws lf::Error listing the known names when `name` is not one of them.
ProcessParameter parameterFromName(std::string_view name);

// Physical values of one moulding run.
struct ProcessParameters {
    double meltTemperatureC = 240.0;
    double mouldTemperatureC = 55.0;
    double injectionPressureMPa = 90.0;
    double injectionSpeedMmS = 110.0;
    double coolingTimeS = 22.5;

    double get(ProcessParameter parameter) const;
    void set(ProcessParameter parameter, double value);
    std::array<double, kParameterCount> toArray() const;
    static ProcessParameters fromArray(const std::array<double, kParameterCount>& values);
    // Every parameter at its spec's nominal value.
    static ProcessParameters nominal();
    bool operator==(const ProcessParameters&) const = default;
};

// Linear map of each training range onto [-1, 1] (minimum -> -1, maximum -> +1). Values
// outside the range map outside [-1, 1]; nothing is clamped.
double normalise(ProcessParameter parameter, double physical);
double denormalise(ProcessParameter parameter, double normalised);
std::array<double, kParameterCount> normalise(const ProcessParameters& parameters);
ProcessParameters denormalise(const std::array<double, kParameterCount>& normalised);

// One parameter outside its training range.
struct RangeViolation {
    ProcessParameter parameter;
    double value;        // physical
    double normalised;   // may be NaN for a non-finite value
    // How far outside [-1, 1], in normalised units (> 0); +infinity for NaN/inf values.
    double excess;
    bool above;          // true: above the maximum; false: below the minimum (or not finite)
    std::string describe() const;  // "melt temperature 320 C is above ... by 0.40 ..."
};

// All parameters outside their training range by more than `tolerance` normalised units.
std::vector<RangeViolation> findOutOfRange(const ProcessParameters& parameters,
                                           double tolerance = 0.0);
// Throws lf::Error describing every violation (a model conditioned outside its training range
// extrapolates; callers that want to allow it use findOutOfRange and warn instead).
void requireInRange(const ProcessParameters& parameters, double tolerance = 0.0);

}  // namespace lf::process
