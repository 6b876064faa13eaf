#pragma once
// The mesh the window shows, with its report and where it came from. Loading runs on worker
// threads so that big meshes never freeze the GUI, in two steps: import (-> meshChanged), then
// the printability report, which can take much longer (-> reportChanged). The last request wins.
#include "core/geometry/MeshReport.h"
#include "core/io/MeshImport.h"
#include "core/mesh/Mesh.h"

#include <QObject>
#include <QString>

#include <functional>
#include <memory>
#include <optional>

namespace lf::ui {

class MeshDocument : public QObject {
    Q_OBJECT
public:
    explicit MeshDocument(QObject* parent = nullptr);
    ~MeshDocument() override;

    // Imports `path` in the background; meshChanged or loadFailed follows.
    void load(const QString& path);
    // How load reads files (e.g. a file's up axis, from the preferences).
    void setImportOptions(const ImportOptions& options) { importOptions_ = options; }
    // How files are read: opened here, and encoded by the window's ShapeExplorer.
    const ImportOptions& importOptions() const { return importOptions_; }
    // Shows a mesh made in memory (generated shapes, tests); it is validated and reported in
    // the background like a loaded file. `name` is shown as the document title. keepCamera:
    // a variant of the shown shape (design edits), so the view keeps its camera.
    // withReport = false skips the (costly) mesh report: interactive previews that a final
    // mesh replaces moments later, e.g. while a shape slider is dragged.
    void setMesh(Mesh mesh, const QString& name, bool keepCamera = false);
    void setMesh(std::shared_ptr<const Mesh> mesh, const QString& name, bool keepCamera,
                 bool withReport);
    bool keepCamera() const { return keepCamera_; }

    bool busy() const { return pending_ > 0; }
    std::shared_ptr<const Mesh> mesh() const { return mesh_; }
    // Empty until the report of the current mesh is ready.
    const std::optional<MeshReport>& report() const { return report_; }
    QString filePath() const { return filePath_; }  // empty for in-memory meshes
    QString displayName() const { return displayName_; }

Q_SIGNALS:
    void loadStarted(const QString& name);
    void meshChanged();
    void reportChanged();
    // The mesh stays shown; only its report could not be computed.
    void reportFailed(const QString& message);
    // The previous mesh stays; `message` is lf::Error's complete message.
    void loadFailed(const QString& path, const QString& message);
    void busyChanged(bool busy);

private:
    struct Result;
    void start(const QString& name, const QString& path, std::function<Result()> job);
    void finish(int generation, Result result);
    void startReport(int generation);
    void beginJob();
    void endJob();

    std::shared_ptr<const Mesh> mesh_;
    std::optional<MeshReport> report_;
    QString filePath_;
    QString displayName_;
    bool keepCamera_ = false;
    bool pendingWithReport_ = true;
    bool pendingKeepCamera_ = false;
    ImportOptions importOptions_;
    int generation_ = 0;  // results of superseded loads are dropped
    int pending_ = 0;
};

}  // namespace lf::ui
