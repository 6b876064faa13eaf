#include "app/cli/commands/ProcessCommandSupport.h"

#include "core/formats/PngImage.h"
#include "core/util/Error.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <iostream>

namespace lf::cli {
namespace {

std::uint64_t parseUnsigned(const std::string& s, const std::string& what) {
    std::uint64_t v = 0;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size()) throw Error(what + ": '" + s + "' is not a non-negative integer");
    return v;
}

double parseNumber(const std::string& s, const std::string& what) {
    try {
        std::size_t used = 0;
        const double v = std::stod(s, &used);
        if (used != s.size()) throw std::invalid_argument(s);
        return v;
    } catch (const std::logic_error&) {
        throw Error(what + ": '" + s + "' is not a number");
    }
}

}  // namespace

std::vector<std::uint64_t> parseSeedList(const std::string& text) {
    std::vector<std::uint64_t> seeds;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t comma = std::min(text.find(',', start), text.size());
        const std::string part = text.substr(start, comma - start);
        const std::size_t dash = part.find('-');
        if (dash == std::string::npos) {
            seeds.push_back(parseUnsigned(part, "--seeds"));
        } else {
            const auto lo = parseUnsigned(part.substr(0, dash), "--seeds");
            const auto hi = parseUnsigned(part.substr(dash + 1), "--seeds");
            if (hi < lo) throw Error("--seeds: range '" + part + "' is descending");
            if (hi - lo >= 256) throw Error("--seeds: at most 256 seeds");
            for (auto s = lo; s <= hi; ++s) seeds.push_back(s);
        }
        if (seeds.size() > 256) throw Error("--seeds: at most 256 seeds");
        start = comma + 1;
    }
    return seeds;
}

std::pair<process::ProcessParameter, double> parseParameterAssignment(const std::string& text) {
    const std::size_t eq = text.find('=');
    if (eq == std::string::npos) throw Error("--param: expected name=value, got '" + text + "'");
    const auto parameter = process::parameterFromName(text.substr(0, eq));
    return {parameter, parseNumber(text.substr(eq + 1), "--param " + text.substr(0, eq))};
}

ParameterAxis parseParameterAxis(const std::string& text, const std::string& flag) {
    const std::size_t eq = text.find('=');
    const std::size_t c1 = text.find(':', eq == std::string::npos ? 0 : eq);
    const std::size_t c2 = c1 == std::string::npos ? c1 : text.find(':', c1 + 1);
    if (eq == std::string::npos || c1 == std::string::npos || c2 == std::string::npos) {
        throw Error(flag + ": expected name=lo:hi:n, got '" + text + "'");
    }
    ParameterAxis axis;
    axis.parameter = process::parameterFromName(text.substr(0, eq));
    const double lo = parseNumber(text.substr(eq + 1, c1 - eq - 1), flag);
    const double hi = parseNumber(text.substr(c1 + 1, c2 - c1 - 1), flag);
    const auto n = parseUnsigned(text.substr(c2 + 1), flag);
    if (n < 1 || n > 32) throw Error(flag + ": n must be in 1..32");
    for (std::uint64_t i = 0; i < n; ++i) axis.values.push_back(n == 1 ? lo : lo + (hi - lo) * double(i) / double(n - 1));
    return axis;
}

void SamplingOptions::addTo(CLI::App& cmd) {
    steps_ = cmd.add_option("--steps", given_.steps, "DDIM steps (default: the model's)")->check(CLI::Range(1, 1000));
    guidance_ = cmd.add_option("--guidance", given_.guidance, "classifier-free guidance scale (default: the model's)")
                    ->check(CLI::Range(0.0, ml::ProcessSampling::kMaxGuidance));
    eta_ = cmd.add_option("--eta", given_.eta, "DDIM eta, 0: deterministic (default: the model's)")->check(CLI::Range(0.0, 1.0));
}

ml::ProcessSampling SamplingOptions::over(const ml::ProcessSampling& defaults) const {
    ml::ProcessSampling s = defaults;
    if (steps_ && steps_->count()) s.steps = given_.steps;
    if (guidance_ && guidance_->count()) s.guidance = given_.guidance;
    if (eta_ && eta_->count()) s.eta = given_.eta;
    return s;
}

std::vector<std::string> warnOutOfRange(const process::ProcessParameters& parameters, const std::string& command) {
    std::vector<std::string> warnings;
    for (const auto& v : process::findOutOfRange(parameters)) {
        warnings.push_back(v.describe());
        std::cerr << command << ": warning: " << warnings.back() << " (the model extrapolates)" << std::endl;
    }
    return warnings;
}

void writeImageWithMetadata(const std::filesystem::path& file, const process::ImageU8& image,
                            const nlohmann::json& metadata) {
    RgbImage8 rgb{image.width, image.height, image.pixels};
    writePng(file, rgb, {{kPngMetadataKey, metadata.dump()}});
}

}  // namespace lf::cli
