// train shape-vae: trains the shape VAE on a generate-shapes dataset (core/ml/ShapeVaeTrainer.h
// does the work; this file only parses options and prints progress).
#include "app/cli/Commands.h"
#include "app/cli/commands/CommandSupport.h"

#include "core/ml/ShapeVaeTrainer.h"
#include "core/util/Error.h"

#include <cstdio>
#include <iostream>
#include <memory>
#include <sstream>

namespace lf::cli {
namespace {

// The options as a command line that reproduces the run (recorded in model.json).
// `initFrom`: the --init-from argument as given (a model id stays an id).
std::string commandLine(const ml::ShapeVaeTrainingOptions& o, const std::string& initFrom) {
    std::ostringstream s;
    s << "latentforge-cli train shape-vae --data " << o.dataset.string() << " --out "
      << o.outDir.string() << commonTrainingArguments(o);
    // A fine-tuning run takes the package's architecture (the CLI refuses the options that set it).
    if (initFrom.empty()) s << " --latent " << o.latentSize;
    else s << " --init-from " << initFrom;
    s << " --held-out " << o.heldOutFraction << " --beta " << o.klWeight << " --beta-warmup " << o.klWarmupEpochs;
    if (!o.encoderWidths.empty()) s << " --encoder-widths " << joinComma(o.encoderWidths);
    if (!o.decoderWidths.empty()) s << " --decoder-widths " << joinComma(o.decoderWidths);
    if (o.gridResolution) s << " --resolution " << o.gridResolution;
    if (o.blendWeight > 0) s << " --blend " << o.blendWeight << " --blend-union " << o.blendUnion;
    return s.str();
}

// ", blend 0.01234" when the blend objective is on.
std::string blendText(const ml::ShapeVaeTrainingOptions& o, const ml::ShapeVaeProgress& p) {
    return o.blendWeight > 0 ? formatted(", blend %.5f", p.blend) : std::string();
}

}  // namespace

void registerTrainShapeVaeCommand(CLI::App& app) {
    auto o = std::make_shared<ml::ShapeVaeTrainingOptions>();
    auto quiet = std::make_shared<bool>(false);
    auto data = std::make_shared<std::string>();
    auto out = std::make_shared<std::string>();
    CLI::App* cmd = commandGroup(app, "train", "Train a model")->add_subcommand(
        "shape-vae", "Train the shape VAE on a generate-shapes dataset; writes a model package");
    cmd->add_option("--data", *data, "dataset .safetensors from generate-shapes")->required();
    cmd->add_option("--out", *out, "output folder: checkpoint, then model.json + weights")->required();
    addCommonTrainingOptions(*cmd, *o, "shapes");
    cmd->add_option("--seed", o->seed, "seed for initialisation, split, shuffling and noise");
    const std::vector<CLI::Option*> architecture = {
        cmd->add_option("--latent", o->latentSize, "latent size")->check(CLI::Range(1, 4096)),
        cmd->add_option("--resolution", o->gridResolution, "model grid resolution (default: the dataset's)"),
        cmd->add_option("--encoder-widths", o->encoderWidths, "encoder channels per stage")->delimiter(','),
        cmd->add_option("--decoder-widths", o->decoderWidths, "decoder channels per stage")->delimiter(',')};
    auto initFrom = std::make_shared<std::string>();
    CLI::Option* initFromOption = cmd->add_option(
        "--init-from", *initFrom,
        "fine-tune: start from this shape-vae package's network, a folder or a model id (its architecture; Adam, "
        "schedule, KL warm-up and blend objective are this run's)");
    for (CLI::Option* option : architecture) initFromOption->excludes(option);
    cmd->add_option("--held-out", o->heldOutFraction, "fraction of shapes held out for validation")
        ->check(CLI::Range(0.0, 0.89));
    cmd->add_option("--beta", o->klWeight, "KL weight after warm-up")->check(CLI::NonNegativeNumber);
    cmd->add_option("--beta-warmup", o->klWarmupEpochs, "epochs over which beta ramps up from 0")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--blend", o->blendWeight,
                    "weight of the blend objective: decoded slerp blends between shapes of different families "
                    "learn to keep both shapes' material (0: off)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--blend-union", o->blendUnion,
                    "material the blend target keeps halfway: 0 the two grids' average, 1 their union")
        ->check(CLI::Range(0.0, 1.0));
    cmd->add_flag("--quiet", *quiet, "only the final summary");
    auto typicalOnly = std::make_shared<bool>(false);
    cmd->add_flag("--typical-shapes-only", *typicalOnly,
                  "do not train: store each family's typical shape in the package in --out, trained on --data "
                  "before packages held them");
    cmd->callback([o, quiet, data, out, typicalOnly, initFrom] {
        if (*typicalOnly) {
            ml::storeTypicalShapes(*out, *data);
            std::cout << "stored typical shapes in " << *out << "\n";
            return;
        }
        o->dataset = *data;
        o->outDir = *out;
        if (!initFrom->empty()) {
            try {
                o->initFrom = resolveModelArgument(*initFrom);
            } catch (const Error& e) {
                throw Error(std::string("--init-from: ") + e.what());
            }
        }
        o->commandLine = commandLine(*o, *initFrom);
        ProgressThrottle throttle;
        const auto result = ml::trainShapeVae(*o, [&](const ml::ShapeVaeProgress& p) {
            using Phase = ml::ShapeVaeProgress::Phase;
            if (*quiet) return;
            std::string line;
            if (p.phase == Phase::Step) {
                if (!throttle.due()) return;
                line = formatted("epoch %d/%d step %lld/%lld loss %.5f (recon %.5f, kl %.2f, beta %.2g%s) %s",
                              p.epoch, p.epochs, static_cast<long long>(p.step), static_cast<long long>(p.totalSteps),
                              p.loss, p.recon, p.kl, p.beta, blendText(*o, p).c_str(), paceText(p, "shapes").c_str());
            } else if (p.phase == Phase::EpochEnd) {
                line = formatted("epoch %d/%d done: loss %.5f (recon %.5f, kl %.2f%s), held-out SDF L1 %.5f, "
                              "elapsed %s, ETA %s",
                              p.epoch, p.epochs, p.loss, p.recon, p.kl, blendText(*o, p).c_str(), p.heldOutL1,
                              formatDuration(p.elapsedSeconds).c_str(), formatDuration(p.etaSeconds).c_str());
            } else if (p.phase == Phase::Checkpoint) {
                line = checkpointText(p);
            } else if (p.phase == Phase::Packaging) {
                line = "packaging " + p.message + " (latent directions, family prior, typical shapes)";
            } else {
                return;  // Finished: summarised below
            }
            std::cerr << "train shape-vae: " << line << std::endl;
        });
        if (reportStoppedEarly(result.finished, result.steps, result.checkpoint.string())) return;
        std::cout << "trained shape VAE in " << formatDuration(result.seconds) << " (" << result.steps
                  << " steps): loss " << result.trainLoss << ", held-out SDF L1 " << result.heldOutL1
                  << "; package " << result.package.string() << "\n";
    });
}

}  // namespace lf::cli
