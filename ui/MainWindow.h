#pragma once
// The main window: a thin assembly of the 3D view, the report panel, menus and reactions.
// Work lives elsewhere (MeshDocument loads, MeshSceneManager draws, reactions act).
#include "ui/Preferences.h"

#include <QMainWindow>

#include <memory>

class QLabel;
class QMenu;
class QProgressBar;
class QToolButton;

namespace lf::ui {

class EncodeMeshReaction;
struct EncodedMesh;
class ExportMeshReaction;
class InterpolationPanel;
class MeshDocument;
class MeshReportPanel;
class MeshSceneManager;
class OpenMeshReaction;
class ShapeExplorer;
class ShapeSpacePanel;
class VtkView;
class WhatIfPanel;

// A first start's window size on a screen of this available size: most of the screen (the 3D
// view and three panels share it), at least 1200x800 where the screen allows.
QSize initialWindowSize(const QSize& available);

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    // Takes the preferences (the application's QSettings when null).
    explicit MainWindow(std::unique_ptr<Preferences> preferences = nullptr,
                        QWidget* parent = nullptr);
    ~MainWindow() override;

    void openFile(const QString& path);
    // Warns in the status bar and on stderr when torch runs on the reference BLAS.
    void startBlasCheck();
    // Loads the default shape model (models/shapes-default from the model search paths); the
    // shape panel shows what went wrong when there is none.
    void loadDefaultShapeModel();

    VtkView* view() const { return view_; }
    MeshSceneManager* scene() const { return scene_; }
    MeshDocument* document() const { return document_; }
    MeshReportPanel* reportPanel() const { return reportPanel_; }
    ExportMeshReaction* exportReaction() const { return exportReaction_; }
    Preferences* preferences() const { return preferences_.get(); }
    QMenu* recentFilesMenu() const { return recentMenu_; }
    WhatIfPanel* whatIfPanel() const { return whatIfPanel_; }
    ShapeExplorer* shapeExplorer() const { return explorer_; }
    ShapeSpacePanel* shapePanel() const { return shapePanel_; }
    InterpolationPanel* interpolationPanel() const { return interpolationPanel_; }
    EncodeMeshReaction* encodeReaction() const { return encodeReaction_; }
    // Shape > Cancel Encoding; the status bar's Cancel button shows it while an encode runs.
    QAction* cancelEncodeAction() const { return cancelEncodeAction_; }    QAction* undoAction() const { return undoAction_; }
    QAction* redoAction() const { return redoAction_; }

Q_SIGNALS:
    // The document's current mesh is in the 3D view (after its background conversion).
    void meshShown();

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void createMenus();
    void onMeshChanged();
    void onEncodeFinished(const EncodedMesh& result);
    void onLoadFailed(const QString& path, const QString& message);
    void showError(const QString& title, const QString& message);
    void setBusy(bool busy, const QString& message = {});

    std::unique_ptr<Preferences> preferences_;
    VtkView* view_;
    MeshSceneManager* scene_;
    MeshDocument* document_;
    MeshReportPanel* reportPanel_;
    OpenMeshReaction* openReaction_ = nullptr;
    ExportMeshReaction* exportReaction_ = nullptr;
    QMenu* recentMenu_ = nullptr;
    WhatIfPanel* whatIfPanel_ = nullptr;
    ShapeExplorer* explorer_;
    ShapeSpacePanel* shapePanel_;
    InterpolationPanel* interpolationPanel_ = nullptr;
    EncodeMeshReaction* encodeReaction_ = nullptr;
    QAction* cancelEncodeAction_ = nullptr;
    QToolButton* cancelEncodeButton_ = nullptr;
    QAction* undoAction_ = nullptr;
    QAction* redoAction_ = nullptr;
    QProgressBar* progress_;
    int shownGeneration_ = 0;  // drops conversions of meshes that were replaced meanwhile
};

}  // namespace lf::ui
