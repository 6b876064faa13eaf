#include "ui/ShapeDecodeWorker.h"

#include "core/geometry/MeshShells.h"
#include "core/geometry/ShapeMeshing.h"
#include "core/ml/ShapeModel.h"
#include "ui/MeshRasterizer.h"
#include "ui/ShapeEncodeWorker.h"
#include "ui/WorkerErrors.h"

#include <QMetaObject>

#include <algorithm>
#include <cmath>

namespace lf::ui {

void registerShapeWorkerTypes()
{
    qRegisterMetaType<ShapeModelInfo>();
    qRegisterMetaType<DecodedShape>();
    qRegisterMetaType<ThumbnailStrip>();
    qRegisterMetaType<EncodedMesh>();
}

ShapeDecodeWorker::ShapeDecodeWorker() = default;

ShapeDecodeWorker::~ShapeDecodeWorker() = default;

void ShapeDecodeWorker::requestDecode(quint64 requestId, int modelGeneration, ml::Latent latent,
                                      int resolution, double scale)
{
    bool wake = false;
    {
        std::lock_guard lock(mutex_);
        pending_ = Request{requestId, modelGeneration, std::move(latent), resolution, scale};
        if (!wakeQueued_) wake = wakeQueued_ = true;
    }
    if (wake)
        QMetaObject::invokeMethod(this, &ShapeDecodeWorker::processPendingDecode,
                                  Qt::QueuedConnection);
}

int ShapeDecodeWorker::decodesStarted() const
{
    std::lock_guard lock(mutex_);
    return decodesStarted_;
}

void ShapeDecodeWorker::processPendingDecode()
{
    Request request;
    {
        std::lock_guard lock(mutex_);
        wakeQueued_ = false;
        if (!pending_) return;
        request = std::move(*pending_);
        pending_.reset();
        ++decodesStarted_;
    }
    DecodedShape shape;
    shape.requestId = request.requestId;
    shape.modelGeneration = request.modelGeneration;
    shape.resolution = request.resolution;
    shape.latent = request.latent;
    shape.scale = request.scale;
    if (!model_ || request.modelGeneration != modelGeneration_) {
        shape.error = noShapeModelMessage();
    } else {
        shape.error = runCatching(
            [&] {
                shape.mesh = decodeToMesh(request.latent, request.resolution, request.scale,
                                          &shape.decodeMs, &shape.contourMs);
            },
            tr("Decoding the shape"));
    }
    Q_EMIT decoded(shape);
}

std::shared_ptr<const Mesh> ShapeDecodeWorker::decodeToMesh(const ml::Latent& latent,
                                                            int resolution, double scale,
                                                            double* decodeMs,
                                                            double* contourMs) const
{
    // Shared with the CLI (core/geometry/ShapeMeshing.h): same latent, same mesh.
    Mesh mesh = lf::decodeToMesh(*model_, latent, resolution, decodeMs, contourMs);
    if (scale != 1) mesh.scale(float(scale));
    return std::make_shared<const Mesh>(std::move(mesh));
}

void ShapeDecodeWorker::loadModel(const QString& directory, int modelGeneration)
{
    // Process-wide torch/BLAS threads, once, before the first inference (see ShapeModel.h).
    static const bool threadsSet = [] {
        ml::setInferenceThreads(ml::kInferenceThreads);
        return true;
    }();
    (void)threadsSet;
    ShapeModelInfo info;
    const QString error = runCatching(
        [&] {
            auto model = std::make_shared<const ml::ShapeModel>(
                ml::ShapeModel::load(directory.toStdString()));
            info.id = QString::fromStdString(model->manifest().id);
            info.name = QString::fromStdString(model->manifest().name);
            info.directory = directory;
            info.latentSize = model->latentSize();
            info.gridResolution = model->gridResolution();
            info.coarseResolution = model->coarseResolution();
            info.truncation = model->truncation();
            info.directions = model->directions();
            info.quality = storedShapeQuality(model->manifest().metrics);
            info.prior = model->prior();
            info.model = model;
            model_ = std::move(model);
            modelGeneration_ = modelGeneration;
        },
        directory);
    if (!error.isEmpty()) {
        Q_EMIT modelFailed(directory, error, modelGeneration);
        return;
    }
    Q_EMIT modelLoaded(info, modelGeneration);
}

void ShapeDecodeWorker::renderThumbnails(quint64 requestId, const std::vector<ml::Latent>& latents,
                                         int resolution, QSize size)
{
    ThumbnailStrip strip;
    strip.requestId = requestId;
    strip.modelGeneration = modelGeneration_;
    strip.latents = latents;
    if (!model_) {
        strip.error = noShapeModelMessage();
    } else {
        strip.error = runCatching(
            [&] {
                RasterOptions options;
                options.size = size;
                for (const ml::Latent& z : latents) {
                    const auto mesh = decodeToMesh(z, resolution);
                    strip.bodies.push_back(int(countBodies(*mesh, meshShells(*mesh)).bodies));
                    strip.images.push_back(rasterizeMesh(*mesh, options));
                }
            },
            tr("Rendering the interpolation strip"));
    }
    Q_EMIT thumbnailsReady(strip);
}

}  // namespace lf::ui
