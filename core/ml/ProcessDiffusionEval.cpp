#include "core/ml/ProcessDiffusionEval.h"

#include "core/ml/ProcessModel.h"
#include "core/model/ModelManifest.h"
#include "core/process/EffectMeasures.h"
#include "core/util/Error.h"
#include "core/util/RankCorrelation.h"

#include <chrono>
#include <cmath>
#include <fstream>
#include <optional>
#include <sstream>

namespace lf::ml {
namespace {

using process::kEffectCount;
using process::kParameterCount;

struct PointMeasures {
    std::array<double, kEffectCount> generated{}, simulated{};
    int generatedCount = 0;
};

// Mean measured effects over images; nullopt when no image registered.
std::optional<std::array<double, kEffectCount>> meanMeasures(const std::vector<process::ImageF>& images, int& failures) {
    std::array<double, kEffectCount> sum{};
    int ok = 0;
    for (const auto& image : images) {
        try {
            const auto m = process::measureEffects(image);
            for (std::size_t e = 0; e < kEffectCount; ++e) sum[e] += m.values[e];
            ++ok;
        } catch (const Error&) {
            ++failures;  // no part found: a badly generated image
        }
    }
    if (ok == 0) return std::nullopt;
    for (auto& v : sum) v /= ok;
    return sum;
}

// One row per point: its normalised parameters, then per effect the simulator's severity and
// the mean measure on generated and on simulator images (empty when no image registered).
std::string pointsCsvText(const std::vector<std::array<double, kParameterCount>>& points, std::size_t heldOutStart,
                          const std::vector<std::array<double, kEffectCount>>& severities,
                          const std::vector<std::optional<std::array<double, kEffectCount>>>& generated,
                          const std::vector<std::optional<std::array<double, kEffectCount>>>& simulated) {
    std::ostringstream csv;
    csv.precision(9);
    csv << "point,held_out";
    for (const auto& spec : process::parameterSpecs()) csv << ',' << spec.name;
    for (const auto& effect : process::effectInfos())
        csv << ',' << effect.name << "_severity," << effect.name << "_generated," << effect.name << "_simulator";
    csv << '\n';
    for (std::size_t k = 0; k < points.size(); ++k) {
        csv << k << ',' << (k >= heldOutStart ? 1 : 0);
        for (double u : points[k]) csv << ',' << u;
        for (std::size_t e = 0; e < kEffectCount; ++e) {
            csv << ',' << severities[k][e] << ',';
            if (generated[k]) csv << (*generated[k])[e];
            csv << ',';
            if (simulated[k]) csv << (*simulated[k])[e];
        }
        csv << '\n';
    }
    return csv.str();
}

}  // namespace

StoredFidelity storedFidelity(const nlohmann::json& metrics) {
    StoredFidelity stored;
    for (const auto& info : process::effectInfos()) {
        const std::string entry = "/evaluation/spearman_severity_vs_measured/" + std::string(info.name);
        const auto rho = metricAt(metrics, entry + "/generated");
        if (!rho) continue;
        EffectFidelity f{std::string(info.name), *rho, std::nullopt, metricAt(metrics, entry + "/simulator")};
        const auto low = metricAt(metrics, entry + "/generated_interval95/0");
        const auto high = metricAt(metrics, entry + "/generated_interval95/1");
        if (low && high) f.interval = std::pair(*low, *high);
        stored.effects.push_back(std::move(f));
    }
    stored.points = int(metricAt(metrics, "/evaluation/points/grid").value_or(0) +
                        metricAt(metrics, "/evaluation/points/held_out").value_or(0));
    // Not a whole revision (a hand-edited 2.5): unrecorded, so the panel cautions rather than truncates.
    if (const auto evaluation = metrics.find("evaluation");
        evaluation != metrics.end() && evaluation->is_object() && evaluation->contains("simulator_revision"))
        stored.simulatorRevision = nonNegativeIntOf((*evaluation)["simulator_revision"]);
    return stored;
}

nlohmann::json evaluateProcessModel(const ProcessModel& model, const ProcessEvalOptions& o) {
    if (o.gridPoints < 3 || o.seedsPerPoint < 1) throw Error("eval: need at least 3 grid points and 1 seed per point");
    auto log = [&](const std::string& s) { if (o.log) o.log(s); };
    const ProcessSampling sampling = o.sampling.value_or(model.samplingDefaults());  // checked by sample()

    std::vector<std::array<double, kParameterCount>> points;
    for (int k = 0; k < o.gridPoints; ++k) {
        std::array<double, kParameterCount> u{};
        for (std::size_t i = 0; i < kParameterCount; ++i) {
            u[i] = 2 * process::uniformFromSeed(o.seed, std::uint64_t(k) * kParameterCount + i) - 1;
        }
        points.push_back(u);
    }
    const std::size_t heldOutStart = points.size();
    for (const auto& u : heldOutNormalisedPoints()) points.push_back(u);

    std::vector<std::uint64_t> seeds;
    for (int s = 0; s < o.seedsPerPoint; ++s) seeds.push_back(process::mixSeed(o.seed * 1000 + std::uint64_t(s)));

    // Simulator images at the model's resolution, so both sides are measured alike.
    process::RenderOptions render;
    render.width = render.height = model.config().imageSize;
    int failures = 0;
    std::vector<std::optional<std::array<double, kEffectCount>>> generated, simulated;
    std::vector<std::array<double, kEffectCount>> severities;
    double sampleSeconds = 0;
    for (std::size_t k = 0; k < points.size(); ++k) {
        const auto params = process::denormalise(points[k]);
        ProcessSampleRequest request;
        request.parameters = params;
        request.seeds = seeds;
        request.sampling = sampling;
        const auto result = model.sample(request);
        sampleSeconds += result.elapsedSeconds;
        std::vector<process::ImageF> gen, sim;
        for (const auto& image : result.images) gen.push_back(process::toFloat(image));
        for (const auto seed : seeds) sim.push_back(process::simulateProcess(params, seed, render));
        int simFailures = 0;
        generated.push_back(meanMeasures(gen, failures));
        simulated.push_back(meanMeasures(sim, simFailures));
        severities.push_back(process::computeSeverities(params).values);
        log("point " + std::to_string(k + 1) + "/" + std::to_string(points.size()) + (k >= heldOutStart ? " (held out)" : ""));
    }

    if (o.pointsCsv) *o.pointsCsv = pointsCsvText(points, heldOutStart, severities, generated, simulated);

    nlohmann::json spearman = nlohmann::json::object(), mae = nlohmann::json::object();
    double rhoSum = 0, maeNormSum = 0;
    int rhoCount = 0;
    std::array<double, kEffectCount> spread{};
    for (std::size_t e = 0; e < kEffectCount; ++e) {
        const std::string name(process::effectInfos()[e].name);
        std::vector<double> sev, gen, sevSim, sim;
        for (std::size_t k = 0; k < points.size(); ++k) {
            if (generated[k]) { sev.push_back(severities[k][e]); gen.push_back((*generated[k])[e]); }
            if (simulated[k]) { sevSim.push_back(severities[k][e]); sim.push_back((*simulated[k])[e]); }
        }
        nlohmann::json entry;
        auto rho = [](const std::vector<double>& a, const std::vector<double>& b) -> nlohmann::json {
            try { return spearmanCorrelation(a, b); } catch (const Error&) { return nullptr; }
        };
        // How far a rho over this many points can be trusted (grids of 120 points moved rho by
        // several hundredths from one seed to the next).
        auto interval = [&](const std::vector<double>& a, const std::vector<double>& b) -> nlohmann::json {
            try {
                const auto i = spearmanBootstrapInterval(a, b, 0.95, 1000, o.seed);
                return {i.low, i.high};
            } catch (const Error&) {
                return nullptr;
            }
        };
        entry["generated"] = rho(sev, gen);
        entry["generated_interval95"] = interval(sev, gen);
        entry["simulator"] = rho(sevSim, sim);
        entry["simulator_interval95"] = interval(sevSim, sim);
        if (entry["generated"].is_number()) { rhoSum += entry["generated"].get<double>(); ++rhoCount; }
        spearman[name] = entry;
        // Spread of the simulator measure over the grid: the scale for a normalised MAE.
        double mean = 0;
        for (double v : sim) mean += v;
        mean /= std::max<std::size_t>(1, sim.size());
        double var = 0;
        for (double v : sim) var += (v - mean) * (v - mean);
        spread[e] = std::sqrt(var / std::max<std::size_t>(1, sim.size() - 1));
        double sum = 0;
        int count = 0;
        for (std::size_t k = heldOutStart; k < points.size(); ++k) {
            if (!generated[k] || !simulated[k]) continue;
            sum += std::abs((*generated[k])[e] - (*simulated[k])[e]);
            ++count;
        }
        const double m = count ? sum / count : NAN;
        mae[name] = {{"mae", count ? nlohmann::json(m) : nlohmann::json(nullptr)},
                     {"mae_over_simulator_stddev", count && spread[e] > 0 ? nlohmann::json(m / spread[e]) : nlohmann::json(nullptr)}};
        if (count && spread[e] > 0) maeNormSum += m / spread[e];
    }

    // Same-seed reproducibility: the first held-out request twice.
    ProcessSampleRequest repeat;
    repeat.parameters = process::denormalise(points[heldOutStart]);
    repeat.seeds = {seeds.front()};
    repeat.sampling = sampling;
    const auto first = model.sample(repeat), second = model.sample(repeat);
    int maxDiff = 0;
    for (std::size_t i = 0; i < first.images[0].pixels.size(); ++i) {
        maxDiff = std::max(maxDiff, std::abs(int(first.images[0].pixels[i]) - int(second.images[0].pixels[i])));
    }
    log("reproducibility: max pixel difference " + std::to_string(maxDiff));

    nlohmann::json metrics = {
        {"spearman_severity_vs_measured", spearman},
        {"spearman_mean_generated", rhoCount ? nlohmann::json(rhoSum / rhoCount) : nlohmann::json(nullptr)},
        {"held_out_mae", mae},
        {"held_out_mae_over_stddev_mean", maeNormSum / double(kEffectCount)},
        {"points", {{"grid", o.gridPoints}, {"held_out", points.size() - heldOutStart}, {"seeds_per_point", o.seedsPerPoint}, {"seed", o.seed}}},
        {"sampling", sampling.toJson()},
        {"registration_failures", failures},
        {"same_seed_max_pixel_difference", maxDiff},
        {"same_seed_reproducible", maxDiff == 0},
        {"seconds_per_image_ddim", sampleSeconds / double(points.size() * seeds.size())},
        {"device", model.deviceName()},
        {"simulator_revision", process::kSimulatorRevision},  // the renderer the model was measured against
    };

    if (o.ddpmPoints > 0) {
        double ddimTime = 0, ddpmTime = 0, ddimErr = 0, ddpmErr = 0;
        int n = 0;
        for (int k = 0; k < o.ddpmPoints && k < int(heldOutNormalisedPoints().size()); ++k) {
            const auto params = process::denormalise(points[heldOutStart + std::size_t(k)]);
            const auto sim = simulated[heldOutStart + std::size_t(k)];
            ProcessSampleRequest r;
            r.parameters = params;
            r.seeds = {seeds.front()};
            r.sampling = sampling;
            const auto ddim = model.sample(r);
            r.sampling.steps = model.config().schedule.steps();
            r.sampling.eta = 1.0;
            log("DDPM " + std::to_string(r.sampling.steps) + " steps at held-out point " + std::to_string(k + 1));
            const auto ddpm = model.sample(r);
            ddimTime += ddim.elapsedSeconds;
            ddpmTime += ddpm.elapsedSeconds;
            int f = 0;
            const auto a = meanMeasures({process::toFloat(ddim.images[0])}, f);
            const auto b = meanMeasures({process::toFloat(ddpm.images[0])}, f);
            if (a && b && sim) {
                for (std::size_t e = 0; e < kEffectCount; ++e) {
                    if (spread[e] <= 0) continue;
                    ddimErr += std::abs((*a)[e] - (*sim)[e]) / spread[e] / kEffectCount;
                    ddpmErr += std::abs((*b)[e] - (*sim)[e]) / spread[e] / kEffectCount;
                }
                ++n;
            }
        }
        metrics["ddim_vs_ddpm"] = {
            {"ddim_steps", sampling.steps},
            {"ddpm_steps", model.config().schedule.steps()},
            {"time_ratio_ddim_over_ddpm", ddpmTime > 0 ? ddimTime / ddpmTime : 0.0},
            {"ddim_error_over_stddev", n ? nlohmann::json(ddimErr / n) : nlohmann::json(nullptr)},
            {"ddpm_error_over_stddev", n ? nlohmann::json(ddpmErr / n) : nlohmann::json(nullptr)},
            {"fidelity_difference", n ? nlohmann::json((ddimErr - ddpmErr) / n) : nlohmann::json(nullptr)},
            {"points", n}};
    }
    return metrics;
}


}  // namespace lf::ml
