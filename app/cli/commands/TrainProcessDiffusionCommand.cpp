// train process-diffusion: trains the what-if diffusion model on simulator images
// (core/ml/ProcessDiffusionTrainer.h does the work; this file parses options, prints progress).
#include "app/cli/Commands.h"
#include "app/cli/commands/ProcessCommandSupport.h"

#include "core/ml/ProcessDiffusionTrainer.h"
#include "core/util/Error.h"

#include <cstdio>
#include <iostream>
#include <memory>
#include <sstream>

namespace lf::cli {
namespace {

std::string commandLine(const ml::ProcessDiffusionTrainingOptions& o) {
    std::ostringstream s;
    s << "latentforge-cli train process-diffusion --out " << o.outDir.string();
    if (o.dataset.empty()) s << " --count " << o.count << " --data-seed " << o.dataSeed;
    else s << " --data " << o.dataset.string();
    s << commonTrainingArguments(o) << " --image-size " << o.imageSize << " --base-channels " << o.baseChannels << " --res-blocks "
      << o.resBlocksPerLevel << " --cond-dropout " << o.conditionDropout << " --ema " << o.emaDecay;
    if (!o.channelMultipliers.empty()) s << " --multipliers " << joinComma(o.channelMultipliers);
    return s.str();
}

}  // namespace

void registerTrainProcessDiffusionCommand(CLI::App& app) {
    auto o = std::make_shared<ml::ProcessDiffusionTrainingOptions>();
    auto quiet = std::make_shared<bool>(false);
    auto data = std::make_shared<std::string>();
    auto out = std::make_shared<std::string>();
    CLI::App* cmd = commandGroup(app, "train", "Train a model")->add_subcommand(
        "process-diffusion", "Train the process what-if diffusion model on simulator images; writes a model package");
    cmd->add_option("--out", *out, "output folder: checkpoint, then model.json + weights")->required();
    auto* dataOption = cmd->add_option("--data", *data, "process dataset .safetensors (default: render --count images)");
    cmd->add_option("--count", o->count, "images to render with the simulator when no --data is given")
        ->check(CLI::Range(1, 10000000))->excludes(dataOption);
    cmd->add_option("--data-seed", o->dataSeed, "seed of the rendered images' parameters and nuisance");
    addCommonTrainingOptions(*cmd, *o, "images");
    cmd->add_option("--seed", o->seed, "seed for initialisation, shuffling, timesteps and noise");
    cmd->add_option("--image-size", o->imageSize, "image size in pixels (the simulator renders at it)")
        ->check(CLI::Range(8, 1024));
    cmd->add_option("--base-channels", o->baseChannels, "UNet channels at full resolution")->check(CLI::Range(8, 512));
    cmd->add_option("--multipliers", o->channelMultipliers, "channel multiplier per level, e.g. 1,2,2,4")->delimiter(',');
    cmd->add_option("--res-blocks", o->resBlocksPerLevel, "ResBlocks per level")->check(CLI::Range(1, 8));
    cmd->add_option("--cond-dropout", o->conditionDropout, "probability of the null condition (guidance)")
        ->check(CLI::Range(0.0, 0.9));
    cmd->add_option("--ema", o->emaDecay, "EMA decay of the packaged weights")->check(CLI::Range(0.0, 0.99999));
    cmd->add_flag("--quiet", *quiet, "only the final summary");
    cmd->callback([o, quiet, data, out] {
        o->dataset = *data;
        o->outDir = *out;
        o->commandLine = commandLine(*o);
        ProgressThrottle throttle;
        const auto result = ml::trainProcessDiffusion(*o, [&](const ml::ProcessDiffusionProgress& p) {
            using Phase = ml::ProcessDiffusionProgress::Phase;
            if (*quiet) return;
            std::string line;
            if (p.phase == Phase::Data || p.phase == Phase::Step) {
                if (!throttle.due()) return;
                if (p.phase == Phase::Data) {
                    line = formatted("rendering training images %d/%d", p.imagesDone, p.imagesTotal);
                } else {
                    line = formatted("epoch %d/%d step %lld/%lld loss %.5f, %s", p.epoch, p.epochs,
                                  static_cast<long long>(p.step), static_cast<long long>(p.totalSteps), p.loss,
                                  paceText(p, "images").c_str());
                }
            } else if (p.phase == Phase::EpochEnd) {
                line = formatted("epoch %d/%d done: mean loss %.5f, elapsed %s, ETA %s", p.epoch,
                              p.epochs, p.loss, formatDuration(p.elapsedSeconds).c_str(),
                              formatDuration(p.etaSeconds).c_str());
            } else if (p.phase == Phase::Checkpoint) {
                line = checkpointText(p);
            } else {
                return;
            }
            std::cerr << "train process-diffusion: " << line << std::endl;
        });
        if (reportStoppedEarly(result.finished, result.steps, result.checkpoint.string())) return;
        std::cout << "trained process diffusion in " << formatDuration(result.seconds) << " (" << result.steps
                  << " steps on " << result.trainingImages << " images): loss " << result.trainLoss
                  << " (first epoch " << result.lossFirstEpoch << "); package " << result.package.string() << "\n";
    });
}

}  // namespace lf::cli
