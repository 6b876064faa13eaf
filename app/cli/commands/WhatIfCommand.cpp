// whatif: images of the part as the process diffusion model imagines it at given process
// parameters, one PNG (with the request as metadata) per seed, and a JSON summary on stdout.
// Each PNG is written as soon as its image is finished (on the CPU one seed after another), so a
// script can pick up the first while the rest sample, and an interrupted run keeps what it made.
#include "app/cli/Commands.h"
#include "app/cli/commands/ProcessCommandSupport.h"

#include "core/ml/ProcessModel.h"
#include "core/util/Error.h"


#include <cmath>
#include <filesystem>
#include <iostream>
#include <memory>

namespace lf::cli {

void registerWhatIfCommand(CLI::App& app) {
    struct Args {
        std::string model, seeds = "1", outDir, device = "auto";
        std::vector<std::string> params;
        SamplingOptions sampling;
        bool requireInRange = false;
    };
    auto a = std::make_shared<Args>();
    CLI::App* cmd = app.add_subcommand("whatif", "Generate images of the part at given process parameters "
                                                 "(unset parameters: nominal)");
    cmd->add_option("--model", a->model, "process-diffusion model: package folder or id (e.g. process-default)")->required();
    cmd->add_option("--param", a->params, "name=value, e.g. melt_temperature=270 (repeatable)");
    cmd->add_option("--seeds", a->seeds, "seeds, e.g. 1-4 or 1,5,9");
    a->sampling.addTo(*cmd);
    cmd->add_option("--out-dir", a->outDir, "folder for the PNGs (created)")->required();
    cmd->add_option("--device", a->device, "auto, cpu, cuda or cuda:N");
    cmd->add_flag("--require-in-range", a->requireInRange, "refuse parameters outside the training ranges");
    cmd->callback([a] {
        process::ProcessParameters parameters = process::ProcessParameters::nominal();
        for (const auto& text : a->params) {
            const auto [parameter, value] = parseParameterAssignment(text);
            parameters.set(parameter, value);
        }
        if (a->requireInRange) process::requireInRange(parameters);
        warnOutOfRange(parameters, "whatif");
        ml::ProcessSampleRequest request;
        request.parameters = parameters;
        request.seeds = parseSeedList(a->seeds);
        const auto model = ml::ProcessModel::load(resolveModelArgument(a->model), a->device);
        request.sampling = a->sampling.over(model.samplingDefaults());
        // Before sampling, so a bad --out-dir fails fast instead of after the work.
        std::error_code ec;
        std::filesystem::create_directories(a->outDir, ec);
        if (ec) throw Error("--out-dir " + a->outDir + ": cannot create (" + ec.message() + ")");
        const auto fileFor = [&](std::size_t i) {
            return std::filesystem::path(a->outDir) / ("whatif_seed" + std::to_string(request.seeds[i]) + ".png");
        };
        const auto writeFinished = [&](const ml::ProcessSampleProgress& p) {
            if (!p.finished) return true;
            for (std::size_t k = 0; k < p.finished->size(); ++k) {
                const std::size_t i = std::size_t(p.firstFinished) + k;
                writeImageWithMetadata(fileFor(i), (*p.finished)[k], (*p.finishedMetadata)[k].toJson());
                std::cerr << "whatif: wrote " << fileFor(i).string() << " (" << i + 1 << "/"
                          << request.seeds.size() << ")" << std::endl;
            }
            return true;
        };
        const auto result = model.sample(request, writeFinished);
        nlohmann::json images = nlohmann::json::array();
        for (std::size_t i = 0; i < result.images.size(); ++i) {
            images.push_back({{"file", fileFor(i).string()}, {"seed", request.seeds[i]}});
        }
        nlohmann::json outOfRange = nlohmann::json::array();
        for (const auto& v : result.outOfRange) {
            outOfRange.push_back({{"parameter", process::parameterSpec(v.parameter).name},
                                  {"value", v.value},
                                  {"normalised", std::isfinite(v.normalised) ? nlohmann::json(v.normalised) : nlohmann::json(nullptr)},
                                  {"excess_normalised", std::isfinite(v.excess) ? nlohmann::json(v.excess) : nlohmann::json(nullptr)},
                                  {"message", v.describe()}});
        }
        nlohmann::json summary = result.metadata.front().toJson();
        summary.erase("seed");
        summary["images"] = images;
        summary["out_of_range"] = outOfRange;
        summary["elapsed_seconds"] = result.elapsedSeconds;  // the request's (each PNG has its image's)
        summary["seconds_per_image"] = result.elapsedSeconds / double(result.images.size());
        std::cout << summary.dump(2) << std::endl;
    });
}

}  // namespace lf::cli
