#include "ui/ShapeExplorer.h"

#include "core/model/ModelLocator.h"
#include "ui/MeshDocument.h"
#include "ui/ShapeDesign.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QThread>

#include <algorithm>
#include <limits>

namespace lf::ui {

namespace {
constexpr int kMinimumFullResolution = 64;
}

ShapeExplorer::ShapeExplorer(MeshDocument* document, QObject* parent)
    : QObject(parent),
      document_(document),
      design_(new ShapeDesign(this)),
      thread_(new QThread(this)),
      worker_(new ShapeDecodeWorker),
      encodeThread_(new QThread(this)),
      encodeWorker_(new ShapeEncodeWorker)
{
    registerShapeWorkerTypes();
    thread_->setObjectName(QStringLiteral("ShapeDecodeWorker"));
    worker_->moveToThread(thread_);
    connect(thread_, &QThread::finished, worker_, &QObject::deleteLater);
    encodeThread_->setObjectName(QStringLiteral("ShapeEncodeWorker"));
    encodeWorker_->moveToThread(encodeThread_);
    connect(encodeThread_, &QThread::finished, encodeWorker_, &QObject::deleteLater);
    connect(encodeWorker_, &ShapeEncodeWorker::encoded, this, &ShapeExplorer::onEncoded);
    connect(encodeWorker_, &ShapeEncodeWorker::progress, this, [this](quint64 id, int done, int steps) {
        if (id == lastEncodeId_ && encoding_) Q_EMIT encodeProgress(done, steps);
    });
    connect(worker_, &ShapeDecodeWorker::modelLoaded, this, &ShapeExplorer::onModelLoaded);
    connect(worker_, &ShapeDecodeWorker::modelFailed, this, &ShapeExplorer::onModelFailed);
    connect(worker_, &ShapeDecodeWorker::decoded, this, &ShapeExplorer::onDecoded);
    connect(worker_, &ShapeDecodeWorker::thumbnailsReady, this,
            [this](const ThumbnailStrip& strip) {
                if (strip.modelGeneration == loadedGeneration_) Q_EMIT thumbnailsReady(strip);
            });
    connect(design_, &ShapeDesign::changed, this, &ShapeExplorer::requestDecode);
    thread_->start();
    encodeThread_->start();

    const QString appDir = QCoreApplication::instance()
                               ? QCoreApplication::applicationDirPath()
                               : QString();
    searchPaths_ = modelSearchPaths(appDir.toStdString());
}

ShapeExplorer::~ShapeExplorer()
{
    // A decode in progress finishes first (at most a fraction of a second), an encode stops
    // within one refinement step; queued results for this object are discarded with it.
    encodeWorker_->cancelUpTo(std::numeric_limits<quint64>::max());
    encodeThread_->quit();
    thread_->quit();
    encodeThread_->wait();
    thread_->wait();
}

void ShapeExplorer::setSearchPaths(std::vector<std::filesystem::path> paths)
{
    searchPaths_ = std::move(paths);
}

void ShapeExplorer::loadDefaultModel()
{
    const auto directory = findModelDirectory(kDefaultShapeModelId, searchPaths_);
    if (!directory) {
        QStringList folders;
        for (const auto& p : searchPaths_)
            folders << QDir::toNativeSeparators(QString::fromStdString(p.string()));
        onModelFailed(QString(),
                      tr("No shape model \"%1\" found. Searched: %2. Train one with "
                         "\"latentforge-cli train shape-vae\" or set %3.")
                          .arg(QString::fromLatin1(kDefaultShapeModelId), folders.join(QStringLiteral("; ")),
                               QString::fromLatin1(kModelsEnvironmentVariable)),
                      ++requestedGeneration_);
        return;
    }
    loadModel(QString::fromStdString(directory->string()));
}

void ShapeExplorer::loadModel(const QString& directory)
{
    const int generation = ++requestedGeneration_;
    Q_EMIT modelLoading(directory);
    QMetaObject::invokeMethod(worker_, [worker = worker_, directory, generation] {
        worker->loadModel(directory, generation);
    });
}

int ShapeExplorer::fullResolution() const
{
    return std::max(kMinimumFullResolution, model_.gridResolution);
}

int ShapeExplorer::coarseResolution() const
{
    return model_.coarseResolution;
}

void ShapeExplorer::onModelLoaded(const ShapeModelInfo& info, int generation)
{
    if (generation != requestedGeneration_) return;  // another model was asked for meanwhile
    loadedGeneration_ = generation;
    cancelEncode();  // its latent would belong to the old space
    model_ = info;
    modelLoaded_ = true;
    modelError_.clear();
    firstShapeOfModel_ = true;
    encodedInput_.reset();
    favourites_.clear();
    Q_EMIT favouritesChanged();
    Q_EMIT modelChanged();
    design_->setSpace(info.directions, info.latentSize, info.prior);  // -> changed -> first decode
}

void ShapeExplorer::onModelFailed(const QString&, const QString& message, int generation)
{
    if (generation != requestedGeneration_) return;
    modelError_ = message;  // a model loaded before stays in use
    Q_EMIT modelFailed(message);
}

void ShapeExplorer::requestDecode(bool interactive)
{
    if (!modelLoaded_ || !design_->hasSpace()) return;
    requestDecodeOf(design_->effectiveLatent(),
                    interactive ? coarseResolution() : fullResolution());
}

quint64 ShapeExplorer::requestDecodeOf(const ml::Latent& latent, int resolution)
{
    const quint64 id = ++nextRequestId_;
    if (resolution >= fullResolution()) lastFinalId_ = id;
    worker_->requestDecode(id, loadedGeneration_, latent, resolution, design_->state().scale);
    return id;
}

void ShapeExplorer::onDecoded(const DecodedShape& shape)
{
    // Stale: superseded by a shown result, by a final request, or by another model.
    if (shape.modelGeneration != loadedGeneration_ || shape.requestId <= lastShownId_ ||
        shape.requestId < lastFinalId_)
        return;
    lastShownId_ = shape.requestId;
    if (!shape.error.isEmpty()) {
        Q_EMIT decodeFailed(shape.error);
        return;
    }
    lastShape_ = shape;
    const QString name = tr("%1 variant").arg(model_.id);
    // Coarse previews while dragging are replaced by the full decode on release: no report.
    const bool preview = shape.resolution < fullResolution();
    document_->setMesh(shape.mesh, name, /*keepCamera=*/!firstShapeOfModel_, /*withReport=*/!preview);
    firstShapeOfModel_ = false;
    Q_EMIT shapeDecoded(shape);
}

void ShapeExplorer::encodeMesh(const QString& path)
{
    cancelEncode();  // newest wins
    const quint64 id = ++nextRequestId_;
    lastEncodeId_ = id;
    encoding_ = true;
    QMetaObject::invokeMethod(encodeWorker_, [worker = encodeWorker_, id, generation = loadedGeneration_,
                                              model = modelLoaded_ ? model_.model : nullptr, path,
                                              refinement = encodeRefinement_, options = document_->importOptions()] {
        worker->encodeMesh(id, generation, model, path, refinement, options);
    });
    Q_EMIT encodeStarted(path);
}

void ShapeExplorer::cancelEncode()
{
    if (lastEncodeId_ != 0) encodeWorker_->cancelUpTo(lastEncodeId_);
}

void ShapeExplorer::onEncoded(const EncodedMesh& result)
{
    if (result.requestId != lastEncodeId_) return;  // superseded by a newer encode
    encoding_ = false;
    if (result.modelGeneration != loadedGeneration_) {
        // Another model was loaded meanwhile: this latent belongs to the old space.
        EncodedMesh stale = result;
        stale.latent.clear();
        stale.input.reset();
        stale.cancelled = true;
        Q_EMIT encodeFinished(stale);
        return;
    }
    if (result.error.isEmpty() && !result.cancelled) {
        encodedInput_ = result.input;
        design_->setEncodedLatent(result.latent, result.scale,
                                  tr("Encode %1").arg(QFileInfo(result.path).fileName()));
    }
    Q_EMIT encodeFinished(result);
}

quint64 ShapeExplorer::requestThumbnails(const std::vector<ml::Latent>& latents, QSize size)
{
    const quint64 id = ++nextRequestId_;
    QMetaObject::invokeMethod(worker_, [worker = worker_, id, latents, resolution = fullResolution(), size] {
        worker->renderThumbnails(id, latents, resolution, size);
    });
    return id;
}

void ShapeExplorer::addFavourite(const QString& name)
{
    if (!design_->hasSpace()) return;
    const QString shown =
        name.isEmpty() ? tr("Favourite %1").arg(favourites_.size() + 1) : name;
    favourites_.append(Favourite{shown, design_->effectiveLatent(), design_->state().scale});
    Q_EMIT favouritesChanged();
}

}  // namespace lf::ui
