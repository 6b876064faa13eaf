#include "core/process/ProcessParameters.h"

#include "core/util/Error.h"

#include <cmath>
#include <cstdio>
#include <limits>

namespace lf::process {

const std::array<ParameterSpec, kParameterCount>& parameterSpecs()
{
    // Nominal values sit in the middle of the ABS processing window, not of the training range.
    static const std::array<ParameterSpec, kParameterCount> specs{{
        {ProcessParameter::MeltTemperature, "melt_temperature", "melt temperature", "C",
         200.0, 300.0, 240.0},
        {ProcessParameter::MouldTemperature, "mould_temperature", "mould temperature", "C",
         20.0, 90.0, 60.0},
        {ProcessParameter::InjectionPressure, "injection_pressure", "injection pressure", "MPa",
         40.0, 140.0, 90.0},
        {ProcessParameter::InjectionSpeed, "injection_speed", "injection speed", "mm/s",
         20.0, 200.0, 100.0},
        {ProcessParameter::CoolingTime, "cooling_time", "cooling time", "s", 5.0, 40.0, 20.0},
    }};
    return specs;
}

const ParameterSpec& parameterSpec(ProcessParameter parameter)
{
    const auto index = static_cast<std::size_t>(parameter);
    if (index >= kParameterCount)
        throw Error("process parameter index " + std::to_string(index) + " does not exist");
    return parameterSpecs()[index];
}

ProcessParameter parameterFromName(std::string_view name)
{
    std::string known;
    for (const auto& spec : parameterSpecs()) {
        if (spec.name == name)
            return spec.parameter;
        known += (known.empty() ? "" : ", ") + std::string(spec.name);
    }
    throw Error("unknown process parameter '" + std::string(name) + "' (known: " + known + ")");
}

double ProcessParameters::get(ProcessParameter parameter) const
{
    switch (parameter) {
    case ProcessParameter::MeltTemperature: return meltTemperatureC;
    case ProcessParameter::MouldTemperature: return mouldTemperatureC;
    case ProcessParameter::InjectionPressure: return injectionPressureMPa;
    case ProcessParameter::InjectionSpeed: return injectionSpeedMmS;
    case ProcessParameter::CoolingTime: return coolingTimeS;
    }
    throw Error("process parameter index out of range");
}

void ProcessParameters::set(ProcessParameter parameter, double value)
{
    switch (parameter) {
    case ProcessParameter::MeltTemperature: meltTemperatureC = value; return;
    case ProcessParameter::MouldTemperature: mouldTemperatureC = value; return;
    case ProcessParameter::InjectionPressure: injectionPressureMPa = value; return;
    case ProcessParameter::InjectionSpeed: injectionSpeedMmS = value; return;
    case ProcessParameter::CoolingTime: coolingTimeS = value; return;
    }
    throw Error("process parameter index out of range");
}

std::array<double, kParameterCount> ProcessParameters::toArray() const
{
    std::array<double, kParameterCount> values{};
    for (std::size_t i = 0; i < kParameterCount; ++i)
        values[i] = get(static_cast<ProcessParameter>(i));
    return values;
}

ProcessParameters ProcessParameters::fromArray(const std::array<double, kParameterCount>& values)
{
    ProcessParameters parameters;
    for (std::size_t i = 0; i < kParameterCount; ++i)
        parameters.set(static_cast<ProcessParameter>(i), values[i]);
    return parameters;
}

ProcessParameters ProcessParameters::nominal()
{
    ProcessParameters parameters;
    for (const auto& spec : parameterSpecs())
        parameters.set(spec.parameter, spec.nominal);
    return parameters;
}

double normalise(ProcessParameter parameter, double physical)
{
    const auto& spec = parameterSpec(parameter);
    return 2.0 * (physical - spec.minimum) / (spec.maximum - spec.minimum) - 1.0;
}

double denormalise(ProcessParameter parameter, double normalised)
{
    const auto& spec = parameterSpec(parameter);
    return spec.minimum + 0.5 * (normalised + 1.0) * (spec.maximum - spec.minimum);
}

std::array<double, kParameterCount> normalise(const ProcessParameters& parameters)
{
    std::array<double, kParameterCount> values{};
    for (std::size_t i = 0; i < kParameterCount; ++i) {
        const auto p = static_cast<ProcessParameter>(i);
        values[i] = normalise(p, parameters.get(p));
    }
    return values;
}

ProcessParameters denormalise(const std::array<double, kParameterCount>& normalised)
{
    ProcessParameters parameters;
    for (std::size_t i = 0; i < kParameterCount; ++i) {
        const auto p = static_cast<ProcessParameter>(i);
        parameters.set(p, denormalise(p, normalised[i]));
    }
    return parameters;
}

static std::string formatNumber(double value)
{
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%g", value);
    return buffer;
}

std::string RangeViolation::describe() const
{
    const auto& spec = parameterSpec(parameter);
    const std::string range = formatNumber(spec.minimum) + "-" + formatNumber(spec.maximum) +
                              " " + std::string(spec.unit);
    if (!std::isfinite(value))
        return std::string(spec.label) + " is " + formatNumber(value) +
               " (not a finite number); the training range is " + range;
    char excessText[32];
    std::snprintf(excessText, sizeof excessText, "%.2f", excess);
    return std::string(spec.label) + " " + formatNumber(value) + " " + std::string(spec.unit) +
           " is " + (above ? "above" : "below") + " the training range " + range + " by " +
           excessText + " normalised units (normalised value " + formatNumber(normalised) + ")";
}

std::vector<RangeViolation> findOutOfRange(const ProcessParameters& parameters, double tolerance)
{
    std::vector<RangeViolation> violations;
    for (const auto& spec : parameterSpecs()) {
        const double value = parameters.get(spec.parameter);
        if (!std::isfinite(value)) {
            violations.push_back({spec.parameter, value, std::numeric_limits<double>::quiet_NaN(),
                                  std::numeric_limits<double>::infinity(), value > 0.0});
            continue;
        }
        const double u = normalise(spec.parameter, value);
        const double excess = std::abs(u) - 1.0;
        if (excess > tolerance)
            violations.push_back({spec.parameter, value, u, excess, u > 0.0});
    }
    return violations;
}

void requireInRange(const ProcessParameters& parameters, double tolerance)
{
    const auto violations = findOutOfRange(parameters, tolerance);
    if (violations.empty())
        return;
    std::string message = "process parameters outside the training range of the ABS process model: ";
    for (std::size_t i = 0; i < violations.size(); ++i)
        message += (i ? "; " : "") + violations[i].describe();
    throw Error(message);
}

}  // namespace lf::process
