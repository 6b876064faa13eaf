#pragma once
// The shape model's worker: lives on its own QThread and owns the ShapeModel, so LibTorch runs
// there only (ShapeModel opens its c10::InferenceMode guard in the calling thread, i.e. here).
//
// Decode requests coalesce: requestDecode() may be called from any thread; it only replaces the
// one pending request and wakes the worker when no wake-up is queued yet, so a burst of slider
// moves costs one decode of the newest latent, not one per move. Other jobs (load, thumbnails)
// are queued slots and run in order. Encodes run beside it (ShapeEncodeWorker) on the model this
// worker loaded (ShapeModelInfo::model).
#include "core/geometry/ShapeVaeEval.h"
#include "core/mesh/Mesh.h"
#include "core/ml/LatentMath.h"
#include "core/ml/LatentPrior.h"

#include <QImage>
#include <QList>
#include <QObject>
#include <QSize>
#include <QString>

#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace lf::ml {
class ShapeModel;
}

namespace lf::ui {

struct ShapeModelInfo {
    QString id;
    QString name;
    QString directory;
    int latentSize = 0;
    int gridResolution = 0;
    int coarseResolution = 0;
    float truncation = 0;
    ml::LatentDirections directions;
    ml::LatentPrior prior;
    StoredShapeQuality quality;  // the package's stored evaluation, headline figures
    // The loaded model, for the encode worker's thread (the GUI thread never calls into it).
    std::shared_ptr<const ml::ShapeModel> model;
};

struct DecodedShape {
    quint64 requestId = 0;
    int modelGeneration = 0;
    int resolution = 0;
    ml::Latent latent;
    double scale = 1;                   // millimetres per model unit the mesh was sized at
    std::shared_ptr<const Mesh> mesh;  // contoured, with vertex normals, in millimetres
    double decodeMs = 0;                // network only
    double contourMs = 0;               // grid -> mesh with normals
    QString error;                      // empty on success
};

struct ThumbnailStrip {
    quint64 requestId = 0;
    int modelGeneration = 0;
    std::vector<ml::Latent> latents;
    QList<QImage> images;
    // Separate bodies of each step's mesh (specks removed, as export writes it; 0: empty).
    std::vector<int> bodies;
    QString error;
};

class ShapeDecodeWorker : public QObject {
    Q_OBJECT
public:
    ShapeDecodeWorker();
    ~ShapeDecodeWorker() override;

    // Thread-safe. Replaces any pending (not yet started) decode.
    // The mesh comes out sized at `scale` millimetres per model unit.
    void requestDecode(quint64 requestId, int modelGeneration, ml::Latent latent, int resolution,
                       double scale);
    // Decodes started so far (tests check that a burst of requests was coalesced).
    int decodesStarted() const;

public Q_SLOTS:
    // Worker-thread jobs; results arrive as signals.
    void loadModel(const QString& directory, int modelGeneration);
    void renderThumbnails(quint64 requestId, const std::vector<ml::Latent>& latents,
                          int resolution, QSize size);

Q_SIGNALS:
    void modelLoaded(const lf::ui::ShapeModelInfo& info, int modelGeneration);
    void modelFailed(const QString& directory, const QString& message, int modelGeneration);
    void decoded(const lf::ui::DecodedShape& shape);
    void thumbnailsReady(const lf::ui::ThumbnailStrip& strip);

private:
    struct Request {
        quint64 requestId;
        int modelGeneration;
        ml::Latent latent;
        int resolution;
        double scale;
    };
    void processPendingDecode();
    std::shared_ptr<const Mesh> decodeToMesh(const ml::Latent& latent, int resolution, double scale = 1,
                                             double* decodeMs = nullptr,
                                             double* contourMs = nullptr) const;

    mutable std::mutex mutex_;
    std::optional<Request> pending_;
    bool wakeQueued_ = false;
    int decodesStarted_ = 0;
    // Worker thread only.
    std::shared_ptr<const ml::ShapeModel> model_;
    int modelGeneration_ = 0;
};

// Registers the result types for queued connections (once, before the first connection).
void registerShapeWorkerTypes();

}  // namespace lf::ui

Q_DECLARE_METATYPE(lf::ui::ShapeModelInfo)
Q_DECLARE_METATYPE(lf::ui::DecodedShape)
Q_DECLARE_METATYPE(lf::ui::ThumbnailStrip)
