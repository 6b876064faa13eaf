#include "ui/ShapeEncodeWorker.h"

#include "core/geometry/ShapeMeshing.h"
#include "core/io/MeshImport.h"
#include "ui/WorkerErrors.h"

#include <QFileInfo>

namespace lf::ui {

void ShapeEncodeWorker::cancelUpTo(quint64 requestId)
{
    quint64 current = cancelUpTo_.load();
    while (current < requestId && !cancelUpTo_.compare_exchange_weak(current, requestId)) {
    }
}

void ShapeEncodeWorker::encodeMesh(quint64 requestId, int modelGeneration,
                                   std::shared_ptr<const ml::ShapeModel> model, const QString& path,
                                   ml::LatentRefinement refinement, const ImportOptions& importOptions)
{
    EncodedMesh result;
    result.requestId = requestId;
    result.modelGeneration = modelGeneration;
    result.path = path;
    if (!model) {
        result.error = noShapeModelMessage();
        Q_EMIT encoded(result);
        return;
    }
    const auto keepGoing = [&](int done, int steps) {
        if (stopped(requestId)) return false;
        Q_EMIT progress(requestId, done, steps);
        return true;
    };
    result.error = runCatching(
        [&] {
            try {
                if (stopped(requestId)) throw Cancelled("encode: cancelled");  // superseded while queued
                Mesh input = importMesh(path.toStdString(), importOptions);
                const EncodedShape encoded = lf::encodeMesh(*model, input, refinement, keepGoing);
                result.latent = encoded.latent;
                result.scale = 1.0 / double(encoded.normalisation.scale);
                const Vec3f& c = encoded.normalisation.centre;
                for (Vec3f& p : input.vertices) p = {p[0] - c[0], p[1] - c[1], p[2] - c[2]};
                result.input = std::make_shared<const Mesh>(std::move(input));
            } catch (const Cancelled&) {
                result.cancelled = true;
            }
        },
        QFileInfo(path).fileName());
    Q_EMIT encoded(result);
}

}  // namespace lf::ui
