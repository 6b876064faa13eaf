#pragma once
// Brings meshes into a shape model's space on its own QThread, beside the decode worker: an
// encode refines the latent for seconds (ShapeModel::encode), and slider drags keep decoding
// meanwhile. Both workers share the loaded model: it is immutable after load and ShapeModel
// allows concurrent calls (each opens its own guards in its own thread).
//
// Newest wins: cancelUpTo() (from any thread) stops every encode with an id up to the given one
// within one refinement step; the stopped one reports `cancelled`, never a latent.
#include "core/io/MeshImport.h"
#include "core/mesh/Mesh.h"
#include "core/ml/LatentMath.h"
#include "core/ml/ShapeModel.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <memory>

namespace lf::ui {

struct EncodedMesh {
    quint64 requestId = 0;
    int modelGeneration = 0;
    QString path;
    ml::Latent latent;
    double scale = 0;  // the input's millimetres per model unit (1 / its normalisation's scale)
    // The imported mesh in the design's frame: centred as the model's shapes are, at its own size.
    std::shared_ptr<const Mesh> input;
    bool cancelled = false;             // stopped on request: no latent, no error
    QString error;                      // empty on success
};

class ShapeEncodeWorker : public QObject {
    Q_OBJECT
public:
    // Thread-safe.
    void cancelUpTo(quint64 requestId);

public Q_SLOTS:
    // Worker thread: import, sample the distance field, encode and refine. `model` may be null
    // (no model loaded: reported as an error).
    void encodeMesh(quint64 requestId, int modelGeneration, std::shared_ptr<const ml::ShapeModel> model,
                    const QString& path, ml::LatentRefinement refinement, const ImportOptions& importOptions);

Q_SIGNALS:
    // Before each refinement step (done of steps), from the worker thread.
    void progress(quint64 requestId, int done, int steps);
    void encoded(const lf::ui::EncodedMesh& result);

private:
    bool stopped(quint64 requestId) const { return requestId <= cancelUpTo_.load(); }

    std::atomic<quint64> cancelUpTo_{0};
};

}  // namespace lf::ui

Q_DECLARE_METATYPE(lf::ui::EncodedMesh)
