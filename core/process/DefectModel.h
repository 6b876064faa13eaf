#pragma once
// Severities (0..1) of the visible effects of the moulding process as smooth, monotone,
// deterministic functions of the process parameters. Each severity is a logistic of a
// "driving quantity" with a physical meaning (flow capacity, clamp overload, thermal dose,
// ejection temperature, ...); the formulas, onsets and interactions are written down next to
// each function in DefectModel.cpp and in docs/PROCESS.md. The logistic of a sum is what
// makes parameters interact: raising one parameter moves the onset of the others.
//
// u_m, u_t, u_p, u_v, u_c below are the normalised ([-1, 1]) melt temperature, mould
// temperature, injection pressure, injection speed and cooling time.
#include "core/process/ProcessParameters.h"

#include <array>
#include <cstddef>
#include <string_view>

namespace lf::process {

enum class Effect : std::size_t {
    ShortShot = 0,  // incomplete fill: fraction of the flow length left unfilled
    Flash,          // thin fins at the parting line
    SinkMarks,      // depressions over thick sections
    WeldLines,      // visible lines where flow fronts meet
    BurnMarks,      // dark diesel-effect streaks at the end of fill
    Gloss,          // surface gloss (a property, not a defect: 1 = high gloss)
    Yellowing,      // thermal degradation colour shift towards yellow/brown
    Warpage,        // bending of the part after ejection
};
inline constexpr std::size_t kEffectCount = 8;

struct EffectInfo {
    Effect effect;
    std::string_view name;    // "short_shot"
    std::string_view label;   // "short shot"
    // The parameters the severity increases with (+1) or decreases with (-1); 0: no effect.
    std::array<int, kParameterCount> direction;
};
const std::array<EffectInfo, kEffectCount>& effectInfos();
const EffectInfo& effectInfo(Effect effect);
// Throws lf::Error listing the known names.
Effect effectFromName(std::string_view name);

struct DefectSeverities {
    std::array<double, kEffectCount> values{};
    double operator[](Effect effect) const { return values[static_cast<std::size_t>(effect)]; }
    double& operator[](Effect effect) { return values[static_cast<std::size_t>(effect)]; }
};

// Pure function of the parameters; defined (and still monotone) outside the training range.
DefectSeverities computeSeverities(const ProcessParameters& parameters);
double computeSeverity(Effect effect, const ProcessParameters& parameters);

// Derived physical quantities the severities are built on (exposed for documentation/tests).
// Estimated part core temperature at ejection, C: mould + (melt - mould) * exp(-t_c / tau).
double ejectionTemperatureC(const ProcessParameters& parameters);
// log of the thermal dose of the melt relative to the onset of visible yellowing.
double logThermalDose(const ProcessParameters& parameters);

}  // namespace lf::process
