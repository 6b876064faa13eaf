#pragma once
// What every trainer reports (torch-free): where the run is, its pace and the time left.
// Trainers extend it with their phase and their own loss terms.
#include <cstdint>
#include <string>

namespace lf::ml {

struct TrainingProgress {
    int epoch = 0;  // 1-based
    int epochs = 0;
    std::int64_t step = 0;  // steps done
    std::int64_t totalSteps = 0;
    double loss = 0;  // last step, or the epoch mean at an epoch's end
    double itemsPerSecond = 0;  // shapes or images, over this session's steps
    double elapsedSeconds = 0;  // over all sessions of the run
    double etaSeconds = 0;
    std::string message;  // after a checkpoint or at the end: the file written
};

}  // namespace lf::ml
