#include "ui/MeshDocument.h"

#include "core/io/MeshImport.h"
#include "ui/WorkerErrors.h"

#include <QFileInfo>
#include <QFutureWatcher>
#include <QtConcurrent>

namespace lf::ui {

struct MeshDocument::Result {
    std::shared_ptr<const Mesh> mesh;
    QString path;
    QString name;
    QString error;  // empty on success
};

MeshDocument::MeshDocument(QObject* parent) : QObject(parent) {}

MeshDocument::~MeshDocument() = default;

void MeshDocument::load(const QString& path)
{
    const QString name = QFileInfo(path).fileName();
    pendingKeepCamera_ = false;
    pendingWithReport_ = true;
    start(name, path, [path, options = importOptions_] {
        Result result;
        result.mesh = std::make_shared<const Mesh>(importMesh(path.toStdString(), options));
        return result;
    });
}

void MeshDocument::setMesh(Mesh mesh, const QString& name, bool keepCamera)
{
    setMesh(std::make_shared<const Mesh>(std::move(mesh)), name, keepCamera, /*withReport=*/true);
}

void MeshDocument::setMesh(std::shared_ptr<const Mesh> shared, const QString& name, bool keepCamera,
                           bool withReport)
{
    pendingKeepCamera_ = keepCamera;
    pendingWithReport_ = withReport;
    start(name, QString(), [shared] {
        shared->validate();
        Result result;
        result.mesh = shared;
        return result;
    });
}

void MeshDocument::start(const QString& name, const QString& path, std::function<Result()> job)
{
    const int generation = ++generation_;
    beginJob();
    Q_EMIT loadStarted(name);
    auto* watcher = new QFutureWatcher<Result>(this);
    connect(watcher, &QFutureWatcher<Result>::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        finish(generation, watcher->result());
    });
    watcher->setFuture(QtConcurrent::run([job = std::move(job), name, path]() {
        Result result;
        const QString error = runCatching([&] { result = job(); }, name);
        result.error = error;
        result.path = path;
        result.name = name;
        return result;
    }));
}

void MeshDocument::beginJob()
{
    if (pending_++ == 0) Q_EMIT busyChanged(true);
}

void MeshDocument::endJob()
{
    if (--pending_ == 0) Q_EMIT busyChanged(false);
}

void MeshDocument::finish(int generation, Result result)
{
    endJob();
    if (generation != generation_) return;  // a newer load superseded this one
    if (!result.error.isEmpty()) {
        Q_EMIT loadFailed(result.path.isEmpty() ? result.name : result.path, result.error);
        return;
    }
    mesh_ = std::move(result.mesh);
    report_.reset();
    filePath_ = result.path;
    displayName_ = result.name;
    keepCamera_ = pendingKeepCamera_;
    Q_EMIT meshChanged();
    if (pendingWithReport_) startReport(generation);
}

void MeshDocument::startReport(int generation)
{
    struct ReportResult {
        std::optional<MeshReport> report;
        QString error;
    };
    beginJob();
    auto* watcher = new QFutureWatcher<ReportResult>(this);
    connect(watcher, &QFutureWatcher<ReportResult>::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        endJob();
        if (generation != generation_) return;
        ReportResult result = watcher->result();
        if (!result.report) {
            Q_EMIT reportFailed(result.error);
            return;
        }
        report_ = std::move(result.report);
        Q_EMIT reportChanged();
    });
    watcher->setFuture(QtConcurrent::run([mesh = mesh_, name = displayName_]() {
        ReportResult result;
        try {
            result.report = computeMeshReport(*mesh);
        } catch (const std::exception& e) {
            result.error = QStringLiteral("%1: could not compute the mesh report: %2")
                               .arg(name, QString::fromStdString(e.what()));
        }
        return result;
    }));
}

}  // namespace lf::ui
