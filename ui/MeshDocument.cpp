#include "ui/MeshDocument.h"

#include "core/io/MeshImport.h"
#include "core/util/Error.h"

#include <QFileInfo>
#include <QFutureWatcher>
#include <QtConcurrent>

#include <new>

namespace lf::ui {

struct MeshDocument::Result {
    std::shared_ptr<const Mesh> mesh;
    std::optional<MeshReport> report;
    QString path;
    QString name;
    QString error;  // empty on success
};

MeshDocument::MeshDocument(QObject* parent) : QObject(parent) {}

MeshDocument::~MeshDocument() = default;

void MeshDocument::load(const QString& path)
{
    const QString name = QFileInfo(path).fileName();
    start(name, path, [path] {
        Result result;
        auto mesh = std::make_shared<Mesh>(importMesh(path.toStdString()));
        result.report = computeMeshReport(*mesh);
        result.mesh = std::move(mesh);
        return result;
    });
}

void MeshDocument::setMesh(Mesh mesh, const QString& name)
{
    auto shared = std::make_shared<const Mesh>(std::move(mesh));
    start(name, QString(), [shared] {
        shared->validate();
        Result result;
        result.report = computeMeshReport(*shared);
        result.mesh = shared;
        return result;
    });
}

void MeshDocument::start(const QString& name, const QString& path, std::function<Result()> job)
{
    const int generation = ++generation_;
    if (pending_++ == 0) Q_EMIT busyChanged(true);
    Q_EMIT loadStarted(name);
    auto* watcher = new QFutureWatcher<Result>(this);
    connect(watcher, &QFutureWatcher<Result>::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        finish(generation, watcher->result());
    });
    // Exceptions never cross the thread boundary: every failure becomes a message.
    watcher->setFuture(QtConcurrent::run([job = std::move(job), name, path]() {
        Result result;
        try {
            result = job();
        } catch (const Error& e) {
            result.error = QString::fromStdString(e.what());
        } catch (const std::bad_alloc&) {
            result.error = QStringLiteral("%1: not enough memory to load the mesh").arg(name);
        } catch (const std::exception& e) {
            result.error = QStringLiteral("%1: %2").arg(name, QString::fromStdString(e.what()));
        }
        result.path = path;
        result.name = name;
        return result;
    }));
}

void MeshDocument::finish(int generation, Result result)
{
    if (--pending_ == 0) Q_EMIT busyChanged(false);
    if (generation != generation_) return;  // a newer load superseded this one
    if (!result.error.isEmpty()) {
        Q_EMIT loadFailed(result.path.isEmpty() ? result.name : result.path, result.error);
        return;
    }
    mesh_ = std::move(result.mesh);
    report_ = std::move(result.report);
    filePath_ = result.path;
    displayName_ = result.name;
    Q_EMIT meshChanged();
}

}  // namespace lf::ui
