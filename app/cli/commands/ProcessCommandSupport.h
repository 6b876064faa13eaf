#pragma once
// Helpers shared by the process what-if commands (whatif, sweep, train/eval process-diffusion).
#include "app/cli/commands/CommandSupport.h"
#include "core/ml/ProcessSampling.h"
#include "core/process/ProcessParameters.h"
#include "core/process/ProcessSimulator.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace lf::cli {

// "1-4" -> 1,2,3,4; "3,7,9-10" -> 3,7,9,10. Throws lf::Error on bad syntax, descending ranges
// or more than 256 seeds.
std::vector<std::uint64_t> parseSeedList(const std::string& text);
// "melt_temperature=270" -> (MeltTemperature, 270). Throws lf::Error naming the known names.
std::pair<process::ProcessParameter, double> parseParameterAssignment(const std::string& text);
// "melt_temperature=200:300:5" -> parameter and 5 values from 200 to 300.
struct ParameterAxis {
    process::ProcessParameter parameter;
    std::vector<double> values;
};
ParameterAxis parseParameterAxis(const std::string& text, const std::string& flag);

// --steps, --guidance and --eta of whatif, sweep and eval: each one given overrides the model's
// sampling default (ProcessModel::samplingDefaults()), the others keep it.
class SamplingOptions {
public:
    void addTo(CLI::App& cmd);
    ml::ProcessSampling over(const ml::ProcessSampling& defaults) const;

private:
    ml::ProcessSampling given_;
    CLI::Option* steps_ = nullptr;
    CLI::Option* guidance_ = nullptr;
    CLI::Option* eta_ = nullptr;
};

// Out-of-range parameters as "warning: ..." lines on stderr; returns their descriptions.
std::vector<std::string> warnOutOfRange(const process::ProcessParameters& parameters, const std::string& command);

// Writes an 8-bit image as PNG with `metadata` (JSON) under the "latentforge" key (atomic).
void writeImageWithMetadata(const std::filesystem::path& file, const process::ImageU8& image,
                            const nlohmann::json& metadata);

}  // namespace lf::cli
