#pragma once
// Helpers shared by every command (process-specific ones are in ProcessCommandSupport.h).
#include <CLI/CLI.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace lf::cli {

// "12m05s" below an hour, "3h07m" above.
std::string formatDuration(double seconds);

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

// The options every trainer takes, with the same names, help and checks. `Options` is a trainer's
// options struct (epochs, batchSize, learningRate, device, resume, checkpointEverySteps,
// stopAfterSteps); `items` names what a batch holds ("shapes", "images").
template <class Options>
void addCommonTrainingOptions(CLI::App& cmd, Options& o, const std::string& items) {
    cmd.add_option("--epochs", o.epochs, "passes over the training set")->check(CLI::Range(1, 100000));
    cmd.add_option("--batch", o.batchSize, items + " per step")->check(CLI::Range(1, 4096));
    cmd.add_option("--lr", o.learningRate, "Adam learning rate")->check(CLI::Range(1e-7, 1.0));
    cmd.add_option("--device", o.device, "cpu, cuda or cuda:N");
    cmd.add_flag("--resume", o.resume, "continue from the checkpoint in --out");
    cmd.add_option("--checkpoint-every", o.checkpointEverySteps, "steps between checkpoints (0: every epoch)")
        ->check(CLI::NonNegativeNumber);
    cmd.add_option("--stop-after", o.stopAfterSteps, "checkpoint and stop after this many steps (resume later)")
        ->check(CLI::NonNegativeNumber);
}

}  // namespace lf::cli
