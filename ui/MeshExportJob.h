#pragma once
// Writes a mesh on a worker thread (big meshes take seconds) and reports back on the GUI thread.
#include "ui/ExportSettings.h"

#include "core/mesh/Mesh.h"

#include <QObject>

#include <memory>

namespace lf::ui {

class MeshExportJob : public QObject {
    Q_OBJECT
public:
    explicit MeshExportJob(QObject* parent = nullptr);

    // The mesh is shared, never copied: the document may move on while the file is written.
    void start(std::shared_ptr<const Mesh> mesh, const ExportSettings& settings);
    bool busy() const { return busy_; }

Q_SIGNALS:
    void started(const QString& path);
    void finished(const QString& path);
    void failed(const QString& path, const QString& message);

private:
    bool busy_ = false;
};

}  // namespace lf::ui
