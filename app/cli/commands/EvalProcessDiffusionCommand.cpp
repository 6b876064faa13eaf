// eval process-diffusion: fidelity of a what-if model against the simulator (logic in
// core/ml/ProcessDiffusionEval.h); prints the metrics as JSON and stores them in model.json.
#include "app/cli/Commands.h"
#include "app/cli/commands/ProcessCommandSupport.h"

#include "core/ml/ProcessDiffusionEval.h"
#include "core/ml/ProcessModel.h"
#include "core/model/ModelManifest.h"
#include "core/process/ProcessSimulator.h"
#include "core/util/AtomicFile.h"
#include "core/util/Error.h"

#include <filesystem>
#include <iostream>
#include <memory>

namespace lf::cli {

void registerEvalProcessDiffusionCommand(CLI::App& app) {
    struct Args {
        std::string model, device = "auto";
        ml::ProcessEvalOptions options;
        SamplingOptions sampling;
        std::string pointsCsv;
        bool noWrite = false, quiet = false;
    };
    auto a = std::make_shared<Args>();
    CLI::App* cmd = commandGroup(app, "eval", "Evaluate a model")->add_subcommand(
        "process-diffusion", "Effect fidelity of a process what-if model against the simulator");
    cmd->add_option("--model", a->model, "process-diffusion model: package folder or id (e.g. process-default)")->required();
    cmd->add_option("--grid", a->options.gridPoints, "random parameter points (plus the held-out points)")
        ->check(CLI::Range(3, 10000));
    cmd->add_option("--seeds-per-point", a->options.seedsPerPoint, "images per point")->check(CLI::Range(1, 64));
    a->sampling.addTo(*cmd);
    cmd->add_option("--seed", a->options.seed, "seed of the grid and the images");
    cmd->add_option("--ddpm-points", a->options.ddpmPoints, "held-out points sampled with DDPM-1000 too (0: skip)")
        ->check(CLI::Range(0, 4));
    cmd->add_option("--device", a->device, "auto, cpu, cuda or cuda:N");
    cmd->add_option("--points-csv", a->pointsCsv, "also write every point's severities and measures to this CSV file");
    cmd->add_flag("--no-write", a->noWrite,
                  "do not store the metrics, and the sampling they were measured at as the package's defaults, in model.json");
    cmd->add_flag("--quiet", a->quiet, "no progress lines");
    cmd->callback([a] {
        // Before the minutes of sampling: a CSV path that cannot be written fails now.
        if (!a->pointsCsv.empty()) requireFolderOf(a->pointsCsv);
        const auto directory = resolveModelArgument(a->model);
        const auto model = ml::ProcessModel::load(directory, a->device);
        // Said even with --quiet: figures against another renderer than the one the model learnt
        // from are not its fidelity.
        if (model.simulatorRevision() != process::kSimulatorRevision) {
            const auto trained = model.simulatorRevision();
            std::cerr << "eval process-diffusion: warning: the model was trained on "
                      << (trained ? "simulator revision " + std::to_string(*trained) : std::string("images of an unknown simulator revision"))
                      << ", this build's simulator is revision " << process::kSimulatorRevision
                      << ": the figures measure it against a renderer it did not learn" << std::endl;
        }
        auto options = a->options;
        options.sampling = a->sampling.over(model.samplingDefaults());
        std::string csv;
        if (!a->pointsCsv.empty()) options.pointsCsv = &csv;
        if (!a->quiet) options.log = [](const std::string& s) { std::cerr << "eval process-diffusion: " << s << std::endl; };
        const auto metrics = ml::evaluateProcessModel(model, options);
        // The package's default sampling is the one its stored metrics were measured at; said on
        // stderr (even with --quiet), since it changes what whatif, sweep and the panel use.
        if (!a->noWrite) {
            const auto& s = *options.sampling;
            writeEvaluationMetrics(directory, metrics, {{"sampling_defaults", s.toJson()}});
            std::cerr << "eval process-diffusion: stored the metrics in " << (directory / kManifestFileName).string()
                      << formatted(", with their sampling (%d steps, guidance %g, eta %g) as the package's defaults",
                                   s.steps, s.guidance, s.eta)
                      << std::endl;
        }
        std::cout << metrics.dump(2) << std::endl;
        if (!a->pointsCsv.empty()) writeFileAtomically(a->pointsCsv, csv);  // last: a failure here costs no metrics
    });
}

}  // namespace lf::cli
