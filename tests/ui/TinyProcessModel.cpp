#include "TinyProcessModel.h"

#include "core/ml/ProcessDiffusionTrainer.h"
#include "core/util/Error.h"

namespace lf::test {

void makeTinyProcessModel(const QString& packageDirectory, bool fullSize) {
    ml::ProcessDiffusionTrainingOptions o;
    o.count = 16;
    o.dataSeed = 4;
    o.outDir = packageDirectory.toStdString();
    o.epochs = 1;
    o.batchSize = 8;
    o.learningRate = 2e-3;
    o.seed = 9;
    o.baseChannels = 8;
    o.channelMultipliers = {1, 2};
    if (fullSize) {
        o.count = 8;
        o.baseChannels = ml::ProcessDiffusionConfig{}.baseChannels;
        o.channelMultipliers.clear();  // the config default
    }
    o.threads = 1;
    o.modelId = "tiny-whatif";
    o.commandLine = "tests/ui fixture";
    const auto result = ml::trainProcessDiffusion(o);
    if (!result.finished) throw Error("tiny what-if model: training did not finish");
}

}  // namespace lf::test
