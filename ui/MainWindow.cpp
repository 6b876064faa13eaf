#include "ui/VtkView.h"  // first: vtk_glew.h must precede Qt's OpenGL headers

#include "ui/MainWindow.h"

#include "ui/BlasStartupCheck.h"
#include "ui/MeshDocument.h"
#include "ui/MeshExportJob.h"
#include "ui/MeshSceneManager.h"
#include "ui/MeshToPolyData.h"
#include "ui/Preferences.h"
#include "ui/ShapeDesign.h"
#include "ui/ShapeExplorer.h"
#include "ui/panels/InterpolationPanel.h"
#include "ui/panels/MeshReportPanel.h"
#include "ui/panels/ShapeSpacePanel.h"
#include "ui/reactions/CancelEncodeReaction.h"
#include "ui/reactions/EncodeMeshReaction.h"
#include "ui/reactions/ExportMeshReaction.h"
#include "ui/reactions/OpenMeshReaction.h"
#include "ui/reactions/ReadYUpReaction.h"
#include "ui/reactions/RecentFilesReaction.h"
#include "ui/reactions/ViewReactions.h"
#include "ui/reactions/WhatIfReaction.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QScreen>
#include <QStatusBar>
#include <QToolButton>
#include <QUndoStack>
#include <QtConcurrent>
#include <vtkPolyData.h>

#include <algorithm>
#include <cstdio>

namespace lf::ui {

namespace {
constexpr int kStatusTimeoutMs = 8000;

QString firstLocalFile(const QMimeData* mime)
{
    if (!mime || !mime->hasUrls()) return {};
    for (const QUrl& url : mime->urls())
        if (url.isLocalFile()) return url.toLocalFile();
    return {};
}
}  // namespace

QSize initialWindowSize(const QSize& available)
{
    const QSize most(int(available.width() * 0.85), int(available.height() * 0.85));
    return most.expandedTo(QSize(1200, 800)).boundedTo(available);
}

MainWindow::MainWindow(std::unique_ptr<Preferences> preferences, QWidget* parent)
    : QMainWindow(parent),
      preferences_(preferences ? std::move(preferences) : std::make_unique<Preferences>())
{
    setWindowTitle(QStringLiteral("LatentForge"));
    setAcceptDrops(true);

    view_ = new VtkView(this);
    view_->setObjectName(QStringLiteral("VtkView"));
    setCentralWidget(view_);
    scene_ = new MeshSceneManager(view_, this);
    document_ = new MeshDocument(this);

    reportPanel_ = new MeshReportPanel(this);
    addDockWidget(Qt::RightDockWidgetArea, reportPanel_);
    explorer_ = new ShapeExplorer(document_, this);
    explorer_->design()->setStartScale(preferences_->designScale());
    shapePanel_ = new ShapeSpacePanel(explorer_, this);
    addDockWidget(Qt::LeftDockWidgetArea, shapePanel_);

    progress_ = new QProgressBar(this);
    progress_->setObjectName(QStringLiteral("busyIndicator"));
    progress_->setRange(0, 0);  // busy indicator: import and export report no progress
    progress_->setMaximumWidth(160);
    // Thin, without text: showing it must not change the status bar's height (the 3D view
    // would jump).
    progress_->setTextVisible(false);
    progress_->setMaximumHeight(statusBar()->fontMetrics().height());
    progress_->setVisible(false);
    statusBar()->addPermanentWidget(progress_);

    createMenus();
    cancelEncodeButton_ = new QToolButton(this);
    cancelEncodeButton_->setObjectName(QStringLiteral("cancelEncodeButton"));
    cancelEncodeButton_->setDefaultAction(cancelEncodeAction_);
    cancelEncodeButton_->setAutoRaise(true);
    cancelEncodeButton_->setMaximumHeight(statusBar()->fontMetrics().height() + 4);
    cancelEncodeButton_->setVisible(false);
    statusBar()->addPermanentWidget(cancelEncodeButton_);
    connect(explorer_, &ShapeExplorer::encodeStarted, this, [this](const QString& path) {
        // Seconds, not milliseconds: the latent is refined against the decoder (ShapeModel::encode).
        setBusy(true, tr("Encoding %1: sampling its distance field and fitting the latent…")
                          .arg(QFileInfo(path).fileName()));
        cancelEncodeButton_->setVisible(true);
    });
    connect(explorer_, &ShapeExplorer::encodeProgress, this, [this](int done, int steps) {
        progress_->setRange(0, std::max(steps, 1));
        progress_->setValue(done);
    });
    connect(explorer_, &ShapeExplorer::encodeFinished, this, &MainWindow::onEncodeFinished);
    connect(explorer_, &ShapeExplorer::modelFailed, this, [this](const QString& message) {
        statusBar()->showMessage(message, kStatusTimeoutMs);
    });

    connect(document_, &MeshDocument::loadStarted, this, [this](const QString& name) {
        setBusy(true, tr("Loading %1…").arg(name));
    });
    connect(document_, &MeshDocument::busyChanged, this, [this](bool busy) {
        if (!busy) setBusy(false);
    });
    connect(document_, &MeshDocument::meshChanged, this, &MainWindow::onMeshChanged);
    connect(document_, &MeshDocument::loadFailed, this, &MainWindow::onLoadFailed);
    connect(document_, &MeshDocument::reportChanged, this, [this] {
        reportPanel_->showReport(document_->displayName(), *document_->report());
    });
    connect(document_, &MeshDocument::reportFailed, this, [this](const QString& message) {
        reportPanel_->showReportError(message);
        statusBar()->showMessage(message, kStatusTimeoutMs);
    });

    connect(exportReaction_, &ExportMeshReaction::exportFinished, this, [this](const QString& p) {
        setBusy(false);
        statusBar()->showMessage(tr("Exported %1").arg(QDir::toNativeSeparators(p)),
                                 kStatusTimeoutMs);
    });
    connect(exportReaction_, &ExportMeshReaction::exportFailed, this,
            [this](const QString&, const QString& message) {
                setBusy(false);
                showError(tr("Export failed"), message);
            });
    connect(exportReaction_->job(), &MeshExportJob::started, this, [this](const QString& p) {
        setBusy(true, tr("Exporting %1…").arg(QDir::toNativeSeparators(p)));
    });

    resize(initialWindowSize(screen()->availableGeometry().size()));
    // The design controls get room; the strip stays a strip.
    resizeDocks({shapePanel_}, {300}, Qt::Horizontal);
    restoreGeometry(preferences_->windowGeometry());
    restoreState(preferences_->windowState());
    statusBar()->showMessage(tr("Open a mesh with File > Open or drop a file here"));
}

MainWindow::~MainWindow() = default;

void MainWindow::createMenus()
{
    QMenu* fileMenu = menuBar()->addMenu(tr("&File"));
    QAction* openAction = fileMenu->addAction(tr("&Open…"));
    openAction->setShortcut(QKeySequence::Open);
    openReaction_ = new OpenMeshReaction(openAction, document_, preferences_.get(), this);

    recentMenu_ = fileMenu->addMenu(tr("Open &Recent"));
    auto* recent = new RecentFilesReaction(recentMenu_, document_, preferences_.get());
    connect(recent, &RecentFilesReaction::openRequested, this, &MainWindow::openFile);
    new ReadYUpReaction(fileMenu->addAction(tr("Read Meshes as +&Y Up")), document_, preferences_.get());

    QAction* exportAction = fileMenu->addAction(tr("&Export…"));
    exportAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    exportReaction_ = new ExportMeshReaction(exportAction, document_, preferences_.get(), this);
    interpolationPanel_ = new InterpolationPanel(explorer_, exportAction, this);
    addDockWidget(Qt::BottomDockWidgetArea, interpolationPanel_);

    fileMenu->addSeparator();
    QAction* quitAction = fileMenu->addAction(tr("&Quit"));
    quitAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Q));
    quitAction->setMenuRole(QAction::QuitRole);
    connect(quitAction, &QAction::triggered, this, &QWidget::close);

    QMenu* editMenu = menuBar()->addMenu(tr("&Edit"));
    QUndoStack* undoStack = explorer_->design()->undoStack();
    undoAction_ = undoStack->createUndoAction(this, tr("&Undo"));
    undoAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Z));
    redoAction_ = undoStack->createRedoAction(this, tr("&Redo"));
    redoAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z));
    editMenu->addAction(undoAction_);
    editMenu->addAction(redoAction_);

    QMenu* shapeMenu = menuBar()->addMenu(tr("&Shape"));
    QAction* encodeAction = shapeMenu->addAction(tr("&Encode Mesh into the Space…"));
    encodeReaction_ = new EncodeMeshReaction(encodeAction, explorer_, preferences_.get(), this);
    cancelEncodeAction_ = shapeMenu->addAction(tr("&Cancel Encoding"));
    cancelEncodeAction_->setObjectName(QStringLiteral("cancelEncodeAction"));
    new CancelEncodeReaction(cancelEncodeAction_, explorer_);
    QAction* favouriteAction = shapeMenu->addAction(tr("Add to &Favourites"));
    favouriteAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_D));
    connect(favouriteAction, &QAction::triggered, explorer_, [this] { explorer_->addFavourite(); });
    QAction* hideInputAction = shapeMenu->addAction(tr("&Hide Encoded Input"));
    connect(hideInputAction, &QAction::triggered, scene_, &MeshSceneManager::clearReference);
    shapeMenu->addSeparator();
    shapeMenu->addAction(shapePanel_->toggleViewAction());
    shapeMenu->addAction(interpolationPanel_->toggleViewAction());

    QMenu* viewMenu = menuBar()->addMenu(tr("&View"));
    QAction* resetAction = viewMenu->addAction(tr("&Reset Camera"));
    resetAction->setShortcut(QKeySequence(Qt::Key_R));
    new ResetCameraReaction(resetAction, scene_);
    QAction* fitAction = viewMenu->addAction(tr("&Fit to View"));
    fitAction->setShortcut(QKeySequence(Qt::Key_F));
    new FitViewReaction(fitAction, scene_);
    viewMenu->addSeparator();
    QAction* edgesAction = viewMenu->addAction(tr("Show &Edges"));
    edgesAction->setShortcut(QKeySequence(Qt::Key_E));
    new ShowEdgesReaction(edgesAction, scene_, preferences_.get());
    QAction* gridAction = viewMenu->addAction(tr("Show &Grid"));
    gridAction->setShortcut(QKeySequence(Qt::Key_G));
    new ShowGridReaction(gridAction, scene_, preferences_.get());
    viewMenu->addSeparator();
    viewMenu->addAction(reportPanel_->toggleViewAction());
    whatIfPanel_ = installWhatIfPanel(*this, *viewMenu);
}

void MainWindow::openFile(const QString& path)
{
    openReaction_->open(path);
}

void MainWindow::loadDefaultShapeModel()
{
    explorer_->loadDefaultModel();
}

void MainWindow::onEncodeFinished(const EncodedMesh& result)
{
    setBusy(false);
    progress_->setRange(0, 0);
    cancelEncodeButton_->setVisible(false);
    if (result.cancelled) {
        statusBar()->showMessage(tr("Encoding %1 cancelled").arg(QFileInfo(result.path).fileName()),
                                 kStatusTimeoutMs);
        return;
    }
    if (!result.error.isEmpty()) {
        showError(tr("Could not encode %1").arg(QFileInfo(result.path).fileName()), result.error);
        return;
    }
    // The input to the left of the reconstruction: both fit the model's [-1,1] cube at the
    // input's own scale.
    const double offset[3] = {-2.4 * result.scale, 0, 0};
    scene_->setReferencePolyData(meshToPolyData(*result.input), offset);
    statusBar()->showMessage(tr("Encoded %1: the input (transparent, left) and its "
                                "reconstruction").arg(QFileInfo(result.path).fileName()),
                             kStatusTimeoutMs);
}

void MainWindow::startBlasCheck()
{
    auto* check = new BlasStartupCheck(this);
    connect(check, &BlasStartupCheck::finished, this, [this, check](const QString& warning) {
        check->deleteLater();
        if (warning.isEmpty()) return;
        std::fprintf(stderr, "latentforge: warning: %s\n", qPrintable(warning));
        statusBar()->showMessage(warning);  // stays until the next message
    });
    check->start();
}

void MainWindow::onMeshChanged()
{
    const auto mesh = document_->mesh();
    if (!mesh) return;
    // Building the VTK arrays takes ~0.2 s per million triangles: off the GUI thread.
    const int generation = ++shownGeneration_;
    const bool keepCamera = document_->keepCamera();
    if (!document_->filePath().isEmpty()) scene_->clearReference();  // a file replaced the design
    auto* watcher = new QFutureWatcher<vtkSmartPointer<vtkPolyData>>(this);
    connect(watcher, &QFutureWatcher<vtkSmartPointer<vtkPolyData>>::finished, this,
            [this, watcher, generation, keepCamera] {
                watcher->deleteLater();
                if (generation != shownGeneration_) return;
                if (keepCamera)
                    scene_->replacePolyData(watcher->result());
                else
                    scene_->setPolyData(watcher->result());
                Q_EMIT meshShown();
            });
    watcher->setFuture(QtConcurrent::run([mesh] { return meshToPolyData(*mesh); }));

    reportPanel_->showMesh(document_->displayName(), *mesh);
    setWindowTitle(tr("%1 — LatentForge").arg(document_->displayName()));
    statusBar()->showMessage(tr("Loaded %1: %2 vertices, %3 triangles")
                                 .arg(document_->displayName())
                                 .arg(QLocale().toString(qulonglong(mesh->vertexCount())))
                                 .arg(QLocale().toString(qulonglong(mesh->triangleCount()))),
                             kStatusTimeoutMs);
}

void MainWindow::onLoadFailed(const QString& path, const QString& message)
{
    // The previous mesh stays on screen: nothing to undo here.
    showError(tr("Could not open %1").arg(QFileInfo(path).fileName()), message);
}

void MainWindow::showError(const QString& title, const QString& message)
{
    statusBar()->showMessage(message, kStatusTimeoutMs);
    // Window-modal and non-blocking: background jobs keep reporting while it is open.
    auto* box = new QMessageBox(QMessageBox::Critical, title, message, QMessageBox::Ok, this);
    box->setObjectName(QStringLiteral("errorMessageBox"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

void MainWindow::setBusy(bool busy, const QString& message)
{
    progress_->setVisible(busy);
    if (!message.isEmpty()) statusBar()->showMessage(message);
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    preferences_->setWindowGeometry(saveGeometry());
    preferences_->setWindowState(saveState());
    if (explorer_->design()->hasSpace()) preferences_->setDesignScale(explorer_->design()->state().scale);
    preferences_->sync();
    QMainWindow::closeEvent(event);
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    if (!firstLocalFile(event->mimeData()).isEmpty()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event)
{
    const QString path = firstLocalFile(event->mimeData());
    if (path.isEmpty()) return;
    event->acceptProposedAction();
    openFile(path);
}

}  // namespace lf::ui
