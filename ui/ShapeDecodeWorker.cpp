#include "ui/ShapeDecodeWorker.h"

#include "core/geometry/SdfContour.h"
#include "core/io/MeshImport.h"
#include "core/ml/ShapeModel.h"
#include "core/util/Error.h"
#include "ui/MeshRasterizer.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QMetaObject>

#include <algorithm>
#include <cmath>
#include <new>

namespace lf::ui {

namespace {

// Exceptions never cross the thread boundary: each becomes a message for the panel.
template <typename F>
QString runCatching(F&& job, const QString& what)
{
    try {
        job();
        return {};
    } catch (const Error& e) {
        return QString::fromStdString(e.what());
    } catch (const std::bad_alloc&) {
        return QStringLiteral("%1: not enough memory").arg(what);
    } catch (const std::exception& e) {
        return QStringLiteral("%1: %2").arg(what, QString::fromStdString(e.what()));
    }
}

// Prepares a decoded grid for contouring into a printable mesh:
// - a shape may reach the grid's faces, where contouring leaves it open: the outermost samples
//   are set outside, so the surface is capped half a voxel inside the cube and always closed;
// - samples within 1% of a voxel of the iso value are pushed off it. Flying edges puts a vertex
//   almost exactly on such a sample for each of its edges; those sliver triangles (measured on
//   decodes resampled to 64^3/96^3) made Open3D's self-intersection test fail, i.e. the export
//   "not watertight". The surface moves by at most 1% of a voxel.
void prepareForContour(SdfGrid& grid)
{
    const int r = grid.resolution;
    const float outside = grid.truncation > 0 ? grid.truncation : 1.0f;
    const float eps = 0.01f * grid.spacing();
    for (float& v : grid.values)
        if (std::abs(v) < eps) v = v < 0 ? -eps : eps;
    for (int z = 0; z < r; ++z)
        for (int y = 0; y < r; ++y)
            for (int x = 0; x < r; ++x) {
                if (x != 0 && y != 0 && z != 0 && x != r - 1 && y != r - 1 && z != r - 1) {
                    x = r - 2;  // skip the interior of this row
                    continue;
                }
                float& v = grid.values[grid.index(x, y, z)];
                v = std::max(v, outside);
            }
}

}  // namespace

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
                                      int resolution)
{
    bool wake = false;
    {
        std::lock_guard lock(mutex_);
        pending_ = Request{requestId, modelGeneration, std::move(latent), resolution};
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
    if (!model_ || request.modelGeneration != modelGeneration_) {
        shape.error = tr("No shape model is loaded");
    } else {
        shape.error = runCatching(
            [&] {
                shape.mesh = decodeToMesh(request.latent, request.resolution, &shape.decodeMs,
                                          &shape.contourMs);
            },
            tr("Decoding the shape"));
    }
    Q_EMIT decoded(shape);
}

std::shared_ptr<const Mesh> ShapeDecodeWorker::decodeToMesh(const ml::Latent& latent,
                                                            int resolution, double* decodeMs,
                                                            double* contourMs) const
{
    QElapsedTimer timer;
    timer.start();
    SdfGrid grid = model_->decode(latent, resolution);
    if (decodeMs) *decodeMs = double(timer.nsecsElapsed()) / 1e6;
    timer.restart();
    prepareForContour(grid);
    Mesh mesh = contourSdfGrid(grid);
    if (mesh.normals.size() != mesh.vertices.size()) mesh.computeVertexNormals();
    mesh.name = "shape";
    if (contourMs) *contourMs = double(timer.nsecsElapsed()) / 1e6;
    return std::make_shared<const Mesh>(std::move(mesh));
}

void ShapeDecodeWorker::loadModel(const QString& directory, int modelGeneration)
{
    // Process-wide torch/BLAS threads, once, before the first inference (see ShapeModel.h).
    static const bool threadsSet = [] {
        ml::setInferenceThreads(ml::recommendedInferenceThreads());
        return true;
    }();
    (void)threadsSet;
    ShapeModelInfo info;
    const QString error = runCatching(
        [&] {
            auto model = std::make_unique<ml::ShapeModel>(
                ml::ShapeModel::load(directory.toStdString()));
            info.id = QString::fromStdString(model->manifest().id);
            info.name = QString::fromStdString(model->manifest().name);
            info.directory = directory;
            info.latentSize = model->latentSize();
            info.gridResolution = model->gridResolution();
            info.coarseResolution = model->coarseResolution();
            info.truncation = model->truncation();
            info.directions = model->directions();
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

void ShapeDecodeWorker::encodeMesh(quint64 requestId, const QString& path)
{
    EncodedMesh result;
    result.requestId = requestId;
    result.modelGeneration = modelGeneration_;
    result.path = path;
    if (!model_) {
        result.error = tr("No shape model is loaded");
    } else {
        result.error = runCatching(
            [&] {
                Mesh input = importMesh(path.toStdString());
                const MeshSdfGrid sdf =
                    meshToSdfGrid(input, model_->gridResolution(), model_->truncation());
                result.latent = model_->encode(sdf.grid);
                for (Vec3f& p : input.vertices) p = sdf.normalisation.toNormalised(p);
                input.normals.clear();  // stale after the transform; the view recomputes them
                result.input = std::make_shared<const Mesh>(std::move(input));
            },
            QFileInfo(path).fileName());
    }
    Q_EMIT encoded(result);
}

void ShapeDecodeWorker::renderThumbnails(quint64 requestId, const std::vector<ml::Latent>& latents,
                                         int resolution, QSize size)
{
    ThumbnailStrip strip;
    strip.requestId = requestId;
    strip.modelGeneration = modelGeneration_;
    strip.latents = latents;
    if (!model_) {
        strip.error = tr("No shape model is loaded");
    } else {
        strip.error = runCatching(
            [&] {
                RasterOptions options;
                options.size = size;
                for (const ml::Latent& z : latents)
                    strip.images.push_back(rasterizeMesh(*decodeToMesh(z, resolution), options));
            },
            tr("Rendering the interpolation strip"));
    }
    Q_EMIT thumbnailsReady(strip);
}

}  // namespace lf::ui
