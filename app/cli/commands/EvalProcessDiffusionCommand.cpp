// eval process-diffusion: fidelity of a what-if model against the simulator (logic in
// core/ml/ProcessDiffusionEval.h); prints the metrics as JSON and stores them in model.json.
#include "app/cli/Commands.h"

#include "core/ml/ProcessDiffusionEval.h"
#include "core/ml/ProcessModel.h"
#include "core/model/ModelManifest.h"

#include <iostream>
#include <memory>

namespace lf::cli {

void registerEvalProcessDiffusionCommand(CLI::App& app) {
    struct Args {
        std::string model, device = "auto";
        ml::ProcessEvalOptions options;
        bool noWrite = false, quiet = false;
    };
    auto a = std::make_shared<Args>();
    CLI::App* cmd = commandGroup(app, "eval", "Evaluate a model")->add_subcommand(
        "process-diffusion", "Effect fidelity of a process what-if model against the simulator");
    cmd->add_option("--model", a->model, "process-diffusion model: package folder or id (e.g. process-default)")->required();
    cmd->add_option("--grid", a->options.gridPoints, "random parameter points (plus the held-out points)")
        ->check(CLI::Range(3, 10000));
    cmd->add_option("--seeds-per-point", a->options.seedsPerPoint, "images per point")->check(CLI::Range(1, 64));
    cmd->add_option("--steps", a->options.steps, "DDIM steps")->check(CLI::Range(1, 1000));
    cmd->add_option("--guidance", a->options.guidance, "guidance scale")->check(CLI::Range(0.0, 30.0));
    cmd->add_option("--seed", a->options.seed, "seed of the grid and the images");
    cmd->add_option("--ddpm-points", a->options.ddpmPoints, "held-out points sampled with DDPM-1000 too (0: skip)")
        ->check(CLI::Range(0, 4));
    cmd->add_option("--device", a->device, "auto, cpu, cuda or cuda:N");
    cmd->add_flag("--no-write", a->noWrite, "do not store the metrics in model.json");
    cmd->add_flag("--quiet", a->quiet, "no progress lines");
    cmd->callback([a] {
        const auto directory = resolveModelArgument(a->model);
        const auto model = ml::ProcessModel::load(directory, a->device);
        auto options = a->options;
        if (!a->quiet) options.log = [](const std::string& s) { std::cerr << "eval process-diffusion: " << s << std::endl; };
        const auto metrics = ml::evaluateProcessModel(model, options);
        if (!a->noWrite) writeEvaluationMetrics(directory, metrics);
        std::cout << metrics.dump(2) << std::endl;
    });
}

}  // namespace lf::cli
