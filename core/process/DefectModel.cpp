#include "core/process/DefectModel.h"

#include "core/util/Error.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace lf::process {

namespace {

double logistic(double x) { return 1.0 / (1.0 + std::exp(-x)); }

struct Normalised {
    double m, t, p, v, c;  // melt T, mould T, pressure, speed, cooling time in [-1, 1]
};

Normalised normalisedOf(const ProcessParameters& parameters)
{
    const auto u = normalise(parameters);
    return {u[0], u[1], u[2], u[3], u[4]};
}

// Short shot. The melt stops when its frozen skin closes the flow channel before the cavity is
// full. How far it gets grows with pressure (driving force), with melt temperature (viscosity
// falls roughly exponentially with T), with injection speed (less time to freeze, shear
// thinning) and, weakly, with mould temperature (slower skin growth). These add up in a
// "flow capacity" F; the severity is the logistic of how far F falls short of what this part
// needs: S = sigma(2.0 * (-0.9 - F)), F = 1.0 u_m + 1.2 u_p + 0.7 u_v + 0.3 u_t.
// Onset (S = 0.12) at F ~ 0; half-severity at F = -0.9 (e.g. 220 C melt with 55 MPa).
// Interaction: a hot melt compensates low pressure and vice versa (they add in the logit).
double shortShot(const Normalised& u)
{
    const double flowCapacity = 1.0 * u.m + 1.2 * u.p + 0.7 * u.v + 0.3 * u.t;
    return logistic(2.0 * (-0.9 - flowCapacity));
}

// Flash. Melt is forced into the parting-line gap when the cavity pressure exceeds what the
// clamp holds shut and the melt is thin enough to enter a ~20 um gap. Both are needed, so
// the logit has a product term: with (p+1)(m+1)/4 in [0, 1] (each factor clamped at 0 so the
// severity stays monotone below the range) the joint term dominates only when
// pressure AND melt temperature are high:
//   S = sigma(3 * (0.6 u_p + 0.4 u_m + 0.2 u_v + 1.2 (u_p+1)(u_m+1)/4 - 1.0)).
// At nominal (u = 0) S = 0.08; at 140 MPa + 300 C S = 0.99; at 140 MPa + 200 C S = 0.40.
double flash(const Normalised& u)
{
    const double clampOverload =
        0.6 * u.p + 0.4 * u.m + 0.2 * u.v +
        1.2 * std::max(u.p + 1.0, 0.0) * std::max(u.m + 1.0, 0.0) / 4.0 - 1.0;
    return logistic(3.0 * clampOverload);
}

// Sink marks. Thick sections (the boss, the roots of the hidden underside ribs) keep shrinking
// after the gate has frozen; the surface follows them in where it is still soft at ejection.
// Volumetric shrinkage grows with melt temperature, packing pressure compensates it, a longer
// cooling time lets the skin become rigid before ejection, a hotter mould keeps it soft:
//   S = sigma(2.2 * (0.8 u_m - 0.9 u_p - 0.9 u_c + 0.3 u_t - 0.4)).
double sinkMarks(const Normalised& u)
{
    const double unpackedShrinkage = 0.8 * u.m - 0.9 * u.p - 0.9 * u.c + 0.3 * u.t - 0.4;
    return logistic(2.2 * unpackedShrinkage);
}

// Weld lines. Where two flow fronts meet behind a hole or boss they only fuse if they are
// still hot; a cold front leaves a notch and an orientation change that show as a line.
// Front temperature rises with melt and mould temperature, with speed (less cooling on the way)
// and slightly with pressure (better contact):
//   S = sigma(-2.2 * (0.9 u_m + 0.7 u_t + 0.4 u_v + 0.2 u_p + 0.1)).
double weldLines(const Normalised& u)
{
    const double frontTemperature = 0.9 * u.m + 0.7 * u.t + 0.4 * u.v + 0.2 * u.p + 0.1;
    return logistic(-2.2 * frontTemperature);
}

// Burn marks (diesel effect). Air trapped ahead of the last-filled region is compressed nearly
// adiabatically; the faster it is compressed (injection speed) the less escapes through the
// vents and the hotter it gets, until it scorches the melt. Pressure and melt temperature add a
// little: S = sigma(2.5 * (1.5 u_v + 0.3 u_p + 0.2 u_m - 0.6)). Onset (S = 0.1) near 120 mm/s
// at nominal pressure, S = 0.9 near 200 mm/s.
double burnMarks(const Normalised& u)
{
    const double airCompression = 1.5 * u.v + 0.3 * u.p + 0.2 * u.m - 0.6;
    return logistic(2.5 * airCompression);
}

// Gloss. A hot mould keeps the skin soft long enough to replicate the polished cavity surface;
// a cold mould freezes the melt before it is pressed against the steel (matte, frosty look).
// Melt temperature and pressure help a little: G = sigma(2.2 * (1.3 u_t + 0.3 u_m + 0.2 u_p
// - 0.1)). G is a property (0 = matte, 1 = high gloss), not a defect.
double gloss(const Normalised& u)
{
    const double replication = 1.3 * u.t + 0.3 * u.m + 0.2 * u.p - 0.1;
    return logistic(2.2 * replication);
}

}  // namespace

// Thermal degradation of ABS (butadiene oxidation -> yellow/brown) is an Arrhenius process:
// the dose is rate(T) x residence time. The rate e-folds every 15 C (doubles every ~10 C);
// residence time in the barrel is proportional to the cycle time, i.e. cooling time + ~10 s of
// injection, packing and mould movement. Onset (dose 1) is 265 C at a 30 s cycle (20 s
// cooling). log dose = (T_melt - 265) / 15 + ln((t_c + 10) / 30).
double logThermalDose(const ProcessParameters& parameters)
{
    return (parameters.meltTemperatureC - 265.0) / 15.0 +
           std::log((std::max(parameters.coolingTimeS, 0.0) + 10.0) / 30.0);
}

// A 3 mm wall: tau = s^2 / (pi^2 a) with a ~ 1e-7 m^2/s gives ~9 s.
double ejectionTemperatureC(const ProcessParameters& parameters)
{
    constexpr double tau = 9.0;
    const double coolingTime = std::max(parameters.coolingTimeS, 0.0);
    return parameters.mouldTemperatureC +
           (parameters.meltTemperatureC - parameters.mouldTemperatureC) *
               std::exp(-coolingTime / tau);
}

namespace {

// Yellowing: logistic of the log thermal dose, Y = sigma(1.2 * log dose). The interaction is
// multiplicative in the dose: each 10 C hotter has about the effect of doubling the cycle.
double yellowing(const ProcessParameters& parameters)
{
    return logistic(1.2 * logThermalDose(parameters));
}

// Warpage: a part ejected while its core is still above ~95 C (near ABS's heat-deflection
// temperature) keeps shrinking outside the mould, and the side that was cooled less (the core
// side; the imbalance grows with the mould setpoint, which is inside T_eject) shrinks more,
// bending the part away from the gate. Packing pressure reduces the shrinkage difference:
//   W = sigma((T_eject - 95) / 12 - 0.4 u_p).
double warpage(const ProcessParameters& parameters, const Normalised& u)
{
    return logistic((ejectionTemperatureC(parameters) - 95.0) / 12.0 - 0.4 * u.p);
}

}  // namespace

const std::array<EffectInfo, kEffectCount>& effectInfos()
{
    // direction: melt T, mould T, pressure, speed, cooling time
    static const std::array<EffectInfo, kEffectCount> infos{{
        {Effect::ShortShot, "short_shot", "short shot", {-1, -1, -1, -1, 0}},
        {Effect::Flash, "flash", "flash", {+1, 0, +1, +1, 0}},
        {Effect::SinkMarks, "sink_marks", "sink marks", {+1, +1, -1, 0, -1}},
        {Effect::WeldLines, "weld_lines", "weld lines", {-1, -1, -1, -1, 0}},
        {Effect::BurnMarks, "burn_marks", "burn marks", {+1, 0, +1, +1, 0}},
        {Effect::Gloss, "gloss", "gloss", {+1, +1, +1, 0, 0}},
        {Effect::Yellowing, "yellowing", "yellowing", {+1, 0, 0, 0, +1}},
        {Effect::Warpage, "warpage", "warpage", {+1, +1, -1, 0, -1}},
    }};
    return infos;
}

const EffectInfo& effectInfo(Effect effect)
{
    const auto index = static_cast<std::size_t>(effect);
    if (index >= kEffectCount)
        throw Error("effect index " + std::to_string(index) + " does not exist");
    return effectInfos()[index];
}

Effect effectFromName(std::string_view name)
{
    std::string known;
    for (const auto& info : effectInfos()) {
        if (info.name == name)
            return info.effect;
        known += (known.empty() ? "" : ", ") + std::string(info.name);
    }
    throw Error("unknown moulding effect '" + std::string(name) + "' (known: " + known + ")");
}

DefectSeverities computeSeverities(const ProcessParameters& parameters)
{
    const Normalised u = normalisedOf(parameters);
    DefectSeverities s;
    s[Effect::ShortShot] = shortShot(u);
    s[Effect::Flash] = flash(u);
    s[Effect::SinkMarks] = sinkMarks(u);
    s[Effect::WeldLines] = weldLines(u);
    s[Effect::BurnMarks] = burnMarks(u);
    s[Effect::Gloss] = gloss(u);
    s[Effect::Yellowing] = yellowing(parameters);
    s[Effect::Warpage] = warpage(parameters, u);
    return s;
}

double computeSeverity(Effect effect, const ProcessParameters& parameters)
{
    return computeSeverities(parameters)[effect];
}

}  // namespace lf::process
