#include "ShapeModelFixture.h"

#include "core/formats/Safetensors.h"
#include "core/ml/ShapeVaeTrainer.h"
#include "core/procedural/ShapeDataset.h"

#include <QDir>

#include <exception>

namespace lf::test {

ml::ShapeVaeTrainingOptions tinyShapeTrainingOptions(const std::filesystem::path& root)
{
    ml::ShapeVaeTrainingOptions o;
    o.dataset = root / "shapes.safetensors";
    o.outDir = root / "tiny-shapes";
    o.epochs = 60;
    o.batchSize = 8;
    o.learningRate = 3e-3;
    o.seed = 3;
    o.latentSize = 12;
    o.encoderWidths = {4, 8};
    o.decoderWidths = {8, 4};
    o.heldOutFraction = 0;
    o.klWarmupEpochs = 5;
    o.pcaComponents = 8;
    o.threads = 2;
    o.modelId = "tiny-shapes";
    o.commandLine = "tst_shapespace fixture";
    return o;
}

QString trainTinyShapeModel(const QString& directory, QString* error)
{
    try {
        QDir().mkpath(directory);
        const std::filesystem::path root = directory.toStdString();
        ShapeDatasetOptions data;
        data.count = 32;
        data.resolution = 16;
        data.truncation = 0.25f;  // 2 voxels at 16^3
        data.seed = 5;
        data.families = {"bottle", "knob", "mug"};  // solid shapes: the mean is one too
        writeSafetensors(root / "shapes.safetensors", makeShapeDataset(data));

        const ml::ShapeVaeTrainingOptions o = tinyShapeTrainingOptions(root);
        const auto result = ml::trainShapeVae(o);
        return QString::fromStdString(result.package.string());
    } catch (const std::exception& e) {
        if (error) *error = QString::fromUtf8(e.what());
        return {};
    }
}

}  // namespace lf::test
