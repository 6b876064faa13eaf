#pragma once
// Helpers shared by every command (process-specific ones are in ProcessCommandSupport.h).
#include "core/ml/TrainingProgress.h"

#include <CLI/CLI.hpp>

#include <chrono>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

namespace lf::cli {

// "12m05s" below an hour, "3h07m" above.
std::string formatDuration(double seconds);
// printf into a std::string of whatever length the result needs.
[[gnu::format(printf, 1, 2)]] std::string formatted(const char* format, ...);

// Throws lf::Error unless the folder `file` would be written into exists, so that a command
// fails before minutes of work rather than after: "cannot write <file>: the folder <f> does not exist".
void requireFolderOf(const std::filesystem::path& file);

// "1,2,4" (as --flag values with delimiter ',' take them back).
std::string joinComma(const std::vector<int>& values);

// Lets a progress line through at most once per `interval` (the first one always).
class ProgressThrottle {
public:
    explicit ProgressThrottle(std::chrono::seconds interval = std::chrono::seconds(10)) : interval_(interval) {}
    bool due();

private:
    std::chrono::seconds interval_;
    std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now() - std::chrono::hours(1);
};

// A trainer's progress lines, the same for every trainer: "<items>/s, ETA" of a step, and the
// line after a checkpoint.
std::string paceText(const ml::TrainingProgress& p, const char* items);
std::string checkpointText(const ml::TrainingProgress& p);
// When a run stopped early (--stop-after): prints how to go on and returns true.
bool reportStoppedEarly(bool finished, std::int64_t steps, const std::string& checkpoint);

// The options every trainer takes, with the same names, help and checks. `Options` is a trainer's
// options struct (epochs, lrDecayEpochs, batchSize, learningRate, device, resume,
// checkpointEverySteps, stopAfterSteps, threads, modelId); `items` names what a batch holds ("shapes", "images").
template <class Options>
void addCommonTrainingOptions(CLI::App& cmd, Options& o, const std::string& items) {
    cmd.add_option("--epochs", o.epochs, "passes over the training set")->check(CLI::Range(1, 100000));
    cmd.add_option("--batch", o.batchSize, items + " per step")->check(CLI::Range(1, 4096));
    cmd.add_option("--lr", o.learningRate, "Adam learning rate")->check(CLI::Range(1e-7, 1.0));
    cmd.add_option("--lr-decay-epochs", o.lrDecayEpochs,
                   "cosine-decay the learning rate to 2% over the last N epochs (0: constant)")
        ->check(CLI::NonNegativeNumber);
    cmd.add_option("--device", o.device, "cpu, cuda or cuda:N");
    cmd.add_flag("--resume", o.resume, "continue from the checkpoint in --out");
    cmd.add_option("--checkpoint-every", o.checkpointEverySteps, "steps between checkpoints (0: every epoch)")
        ->check(CLI::NonNegativeNumber);
    cmd.add_option("--stop-after", o.stopAfterSteps, "checkpoint and stop after this many steps (resume later)")
        ->check(CLI::NonNegativeNumber);
    cmd.add_option("--threads", o.threads, "torch CPU threads (default: every core)")->check(CLI::Range(1, 1024));
    cmd.add_option("--id", o.modelId, "model id in model.json (default: the --out folder name)");
}

// The options above (and the seed) as command-line arguments, for the command line a trainer
// records in model.json to reproduce its run; " --lr-decay-epochs" only when set.
template <class Options>
std::string commonTrainingArguments(const Options& o) {
    std::ostringstream s;
    s << " --epochs " << o.epochs;
    if (o.lrDecayEpochs > 0) s << " --lr-decay-epochs " << o.lrDecayEpochs;
    s << " --batch " << o.batchSize << " --lr " << o.learningRate << " --seed " << o.seed << " --device " << o.device;
    return s.str();
}

}  // namespace lf::cli
