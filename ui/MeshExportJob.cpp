#include "ui/MeshExportJob.h"

#include "core/geometry/MeshShells.h"
#include "core/util/Error.h"

#include <QFutureWatcher>
#include <QtConcurrent>

namespace lf::ui {

MeshExportJob::MeshExportJob(QObject* parent) : QObject(parent) {}

void MeshExportJob::start(std::shared_ptr<const Mesh> mesh, const ExportSettings& settings)
{
    busy_ = true;
    Q_EMIT started(settings.path);
    auto* watcher = new QFutureWatcher<QString>(this);
    const QString path = settings.path;
    connect(watcher, &QFutureWatcher<QString>::finished, this, [this, watcher, path] {
        watcher->deleteLater();
        busy_ = false;
        const QString error = watcher->result();
        if (error.isEmpty())
            Q_EMIT finished(path);
        else
            Q_EMIT failed(path, error);
    });
    watcher->setFuture(QtConcurrent::run([mesh = std::move(mesh), settings]() -> QString {
        try {
            const Mesh* written = mesh.get();
            Mesh turned;  // a copy only when asked: the document's mesh is shared and stays as it is
            if (settings.turnOutward) {
                turned = *mesh;
                orientShellsOutward(turned);
                written = &turned;
            }
            exportMesh(*written, settings.path.toStdString(), settings.format, settings.options());
            return {};
        } catch (const Error& e) {
            return QString::fromStdString(e.what());
        } catch (const std::exception& e) {
            return QStringLiteral("%1: %2").arg(settings.path, QString::fromStdString(e.what()));
        }
    }));
}

}  // namespace lf::ui
