// The shape design space end to end under Xvfb, on a tiny model trained in initTestCase: model
// discovery and errors, direction sliders changing the 3D view, seeds, undo/redo, coalesced
// decoding off the GUI thread, interpolation thumbnails, encoding a mesh and exporting a variant.
#include "ui/VtkView.h"  // first: vtk_glew.h before Qt's OpenGL headers

#include "ShapeModelFixture.h"
#include "core/geometry/MeshReport.h"
#include "core/geometry/MeshShells.h"
#include "core/io/MeshExport.h"
#include "core/io/MeshImport.h"
#include "core/model/ModelLocator.h"
#include "core/model/ModelManifest.h"
#include "ui/MainWindow.h"
#include "ui/MeshDocument.h"
#include "ui/MeshRasterizer.h"
#include "ui/MeshSceneManager.h"
#include "ui/Preferences.h"
#include "ui/ShapeDesign.h"
#include "ui/ShapeExplorer.h"
#include "ui/panels/InterpolationPanel.h"
#include "ui/panels/ShapeSpacePanel.h"
#include "ui/dialogs/ExportDialog.h"
#include "ui/reactions/EncodeMeshReaction.h"
#include "ui/reactions/ExportMeshReaction.h"
#include "tests/common/GuiTestSupport.h"

#include <nlohmann/json.hpp>
#include <vtkActor.h>

#include <filesystem>
#include <fstream>

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDeadlineTimer>
#include <QDir>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QFile>
#include <QLabel>
#include <QRegularExpression>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QStatusBar>
#include <QSignalSpy>
#include <QSlider>
#include <QToolButton>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QTimer>
#include <QUndoStack>

#include <cstdlib>
#include <algorithm>
#include <memory>

using namespace lf;

namespace {

using lf::test::differingShare;
using lf::test::errorBox;

// The latent a seed names at the design's psi, from the package's latent prior (as
// `latentforge-cli sample --seed S --psi P` draws it).
ml::Latent seedLatent(const ui::ShapeExplorer& explorer, std::uint64_t seed)
{
    const auto& prior = explorer.model().prior;
    const double psi = explorer.design()->state().psi;
    return prior.empty() ? ml::sampleLatent(seed, explorer.model().latentSize) : ml::samplePrior(prior, seed, psi).latent;
}

}  // namespace

class TstShapeSpace : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void modelLocatorSearchOrder();
    void missingModelReportsAnError();
    void corruptModelReportsAnError();
    void startsOnTheFirstFamilysTypicalShape();
    void familyJumpAndRandomWithinAFamily();
    void directionSliderChangesTheView();
    void seedReproducesTheShape();
    void sliderDragIsOneUndoStep();
    void rapidRequestsCoalesce();
    void exportedVariantIsWatertight();
    void heightSizesTheDesign();
    void latentJsonRoundTrip();
    void interpolationStrip();
    void interpolationBlendsSizes();
    void crossFamilyBlendIsFlagged();
    void stripMarksStepsThatAreNotOnePart();
    void encodeMeshMakesItTheDesign();
    void encodeShowsProgressKeepsDecodingAndCancels();
    void panelShowsTheModelsMeasuredQuality();
    void screenshot();

private:
    std::unique_ptr<ui::MainWindow> makeWindow();
    // Loads the fixture model and waits for its first (mean) shape in the view.
    bool loadModel(ui::MainWindow& window);
    // Runs `start` and waits until a final-resolution shape is shown and reported.
    bool waitForShape(ui::MainWindow& window, const std::function<void()>& start);

    QTemporaryDir modelDir_;
    QString package_;
    std::unique_ptr<QTemporaryDir> dir_;
    std::unique_ptr<ui::MainWindow> window_;
};

void TstShapeSpace::initTestCase()
{
    QVERIFY(modelDir_.isValid());
    QElapsedTimer timer;
    timer.start();
    QString error;
    package_ = test::trainTinyShapeModel(modelDir_.path(), &error);
    QVERIFY2(!package_.isEmpty(), qPrintable(error));
    qInfo("fixture model trained in %.1f s", double(timer.elapsed()) / 1000);
}

std::unique_ptr<ui::MainWindow> TstShapeSpace::makeWindow()
{
    auto window = std::make_unique<ui::MainWindow>(
        std::make_unique<ui::Preferences>(dir_->filePath(QStringLiteral("settings.ini"))));
    window->resize(1200, 800);
    window->show();
    if (!QTest::qWaitForWindowExposed(window.get())) return nullptr;
    return window;
}

void TstShapeSpace::init()
{
    dir_ = std::make_unique<QTemporaryDir>();
    QVERIFY(dir_->isValid());
    window_ = makeWindow();
    QVERIFY(window_);
}

void TstShapeSpace::cleanup()
{
    if (window_)
        for (QMessageBox* box : window_->findChildren<QMessageBox*>()) box->close();
    window_.reset();
    dir_.reset();
}

bool TstShapeSpace::waitForShape(ui::MainWindow& window, const std::function<void()>& start)
{
    ui::ShapeExplorer* explorer = window.shapeExplorer();
    QSignalSpy shown(&window, &ui::MainWindow::meshShown);
    QSignalSpy reported(window.document(), &ui::MeshDocument::reportChanged);
    QSignalSpy failed(explorer, &ui::ShapeExplorer::decodeFailed);
    QSignalSpy modelFailed(explorer, &ui::ShapeExplorer::modelFailed);
    start();
    QDeadlineTimer deadline(60000);
    // The final decode (not a coarse preview), shown in the view and reported.
    auto finalShown = [&] {
        return shown.count() > 0 && reported.count() > 0 && !window.document()->busy() &&
               explorer->lastShape().resolution == explorer->fullResolution() &&
               explorer->lastShape().latent == explorer->design()->effectiveLatent();
    };
    while (!finalShown() && failed.isEmpty() && modelFailed.isEmpty() && !deadline.hasExpired())
        QTest::qWait(10);
    if (!failed.isEmpty()) qWarning("decode failed: %s", qPrintable(failed.first().first().toString()));
    if (!modelFailed.isEmpty())
        qWarning("model failed: %s", qPrintable(modelFailed.first().first().toString()));
    QTest::qWait(30);  // the view repaints
    return finalShown();
}

bool TstShapeSpace::loadModel(ui::MainWindow& window)
{
    return waitForShape(window, [&] { window.shapeExplorer()->loadModel(package_); });
}

void TstShapeSpace::modelLocatorSearchOrder()
{
    const QString envDir = dir_->filePath(QStringLiteral("env-models"));
    QVERIFY(QDir().mkpath(envDir));
    qputenv(kModelsEnvironmentVariable, envDir.toUtf8());
    const auto paths = modelSearchPaths("/opt/lf/bin");
    qunsetenv(kModelsEnvironmentVariable);
    QCOMPARE(paths.size(), std::size_t(3));
    QCOMPARE(QString::fromStdString(paths[0].string()), envDir);
    QCOMPARE(QString::fromStdString(paths[1].string()), QStringLiteral("/opt/lf/share/latentforge/models"));
    QVERIFY(QString::fromStdString(paths[2].string()).endsWith(QStringLiteral("/models")));

    // The fixture's folder lists its package; a copy under the same id later in the order loses.
    const std::filesystem::path fixtureRoot =
        std::filesystem::path(package_.toStdString()).parent_path();
    QDir().mkpath(envDir + "/broken");
    QFile junk(envDir + "/broken/model.json");
    QVERIFY(junk.open(QIODevice::WriteOnly));
    junk.write("{ not json");
    junk.close();
    const auto models = listModels(ModelKind::ShapeVae, {envDir.toStdString(), fixtureRoot});
    QCOMPARE(models.size(), std::size_t(1));  // the broken one is skipped
    QCOMPARE(models[0].manifest.id, std::string("tiny-shapes"));
    QVERIFY(listModels(ModelKind::ProcessDiffusion, {fixtureRoot}).empty());
    QVERIFY(findModelDirectory("tiny-shapes", {envDir.toStdString(), fixtureRoot}).has_value());
    QVERIFY(!findModelDirectory("../tiny-shapes", {fixtureRoot}).has_value());
    QVERIFY(!findModelDirectory("nothing", {fixtureRoot}).has_value());
}

void TstShapeSpace::missingModelReportsAnError()
{
    ui::ShapeExplorer* explorer = window_->shapeExplorer();
    const QString empty = dir_->filePath(QStringLiteral("no-models-here"));
    explorer->setSearchPaths({empty.toStdString()});
    QSignalSpy failed(explorer, &ui::ShapeExplorer::modelFailed);
    window_->loadDefaultShapeModel();
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 10000);
    const QString status = window_->shapePanel()->statusText();
    QVERIFY2(status.contains(QStringLiteral("shapes-default")), qPrintable(status));
    QVERIFY2(status.contains(empty), qPrintable(status));
    QVERIFY(!explorer->hasModel());
    QVERIFY(window_->shapePanel()->directionSliders().isEmpty());
    QVERIFY(!window_->shapePanel()->seedSpinBox()->isEnabled());
    QVERIFY(!window_->encodeReaction()->action()->isEnabled());

    // Loading a folder that does not exist names it.
    const QString missing = dir_->filePath(QStringLiteral("gone"));
    explorer->loadModel(missing);
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 2, 10000);
    QVERIFY2(window_->shapePanel()->statusText().contains(QStringLiteral("gone")),
             qPrintable(window_->shapePanel()->statusText()));
}

void TstShapeSpace::corruptModelReportsAnError()
{
    // A shapes-default whose weights do not match their hash: a clear message, the window
    // keeps working.
    const QString root = dir_->filePath(QStringLiteral("models"));
    const QString pkg = root + QStringLiteral("/shapes-default");
    QVERIFY(QDir().mkpath(pkg));
    QVERIFY(QFile::copy(package_ + "/model.json", pkg + "/model.json"));
    QFile weights(pkg + "/weights.safetensors");
    QVERIFY(weights.open(QIODevice::WriteOnly));
    weights.write(QByteArray(64, 'x'));
    weights.close();
    ui::ShapeExplorer* explorer = window_->shapeExplorer();
    explorer->setSearchPaths({root.toStdString()});
    QSignalSpy failed(explorer, &ui::ShapeExplorer::modelFailed);
    window_->loadDefaultShapeModel();
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 30000);
    const QString status = window_->shapePanel()->statusText();
    QVERIFY2(status.contains(QStringLiteral("weights.safetensors")) ||
                 status.contains(QStringLiteral("shapes-default")),
             qPrintable(status));
    QVERIFY(!explorer->hasModel());
    // Then a good model still loads; a later failed load keeps it working.
    QVERIFY(loadModel(*window_));
    explorer->loadModel(dir_->filePath(QStringLiteral("gone")));
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 2, 30000);
    QVERIFY(explorer->hasModel());
    QVERIFY(waitForShape(*window_, [&] { window_->shapePanel()->seedSpinBox()->setValue(3); }));
    QCOMPARE(explorer->lastShape().latent, seedLatent(*explorer, 3));
}

void TstShapeSpace::startsOnTheFirstFamilysTypicalShape()
{
    QVERIFY(loadModel(*window_));
    ui::ShapeExplorer* explorer = window_->shapeExplorer();
    QCOMPARE(explorer->model().id, QStringLiteral("tiny-shapes"));
    // The fixture's training set has family labels, so the package has a per-family prior with
    // typical shapes (the trainer stores them); the window starts on the first family's (the
    // mean of all codes can decode to nothing, a family's mean is a blur of its shapes), at the
    // default psi like every design.
    QCOMPARE(int(explorer->model().prior.components.size()), 3);
    const auto& bottle = explorer->model().prior.components.front();
    QCOMPARE(bottle.name, std::string("bottle"));
    QCOMPARE(bottle.typical.size(), bottle.mean.size());
    QVERIFY(bottle.typical != bottle.mean);
    QCOMPARE(explorer->design()->state().latent, bottle.typical);
    QCOMPARE(explorer->lastShape().latent, ml::truncate(bottle.typical, bottle.mean, ml::kDefaultPsi));
    QVERIFY(explorer->fullResolution() >= 64);
    QVERIFY(window_->document()->mesh());
    qInfo("start shape: %zu triangles at %d^3 (decode %.1f ms, contour %.1f ms)",
          window_->document()->mesh()->triangleCount(), explorer->lastShape().resolution,
          explorer->lastShape().decodeMs, explorer->lastShape().contourMs);
    QVERIFY(!window_->document()->mesh()->empty());
    QVERIFY(window_->scene()->hasMesh());
    QCOMPARE(window_->shapePanel()->directionSliders().size(), 8);
    const auto sliders = window_->shapePanel()->directionSliders();
    for (int k = 0; k < sliders.size(); ++k) {
        QCOMPARE(sliders[k]->minimum(), -300);
        QCOMPARE(sliders[k]->maximum(), 300);
        // Sliders show where the start shape sits along each direction (in 1/100 sigma).
        const double sigmas = std::clamp(explorer->design()->coefficient(k), -3.0, 3.0);
        QVERIFY2(std::abs(sliders[k]->value() - 100 * sigmas) <= 1.0, qPrintable(QString::number(sliders[k]->value())));
    }
    QVERIFY(window_->document()->report().has_value());
    QVERIFY(window_->encodeReaction()->action()->isEnabled());
}

void TstShapeSpace::directionSliderChangesTheView()
{
    QVERIFY(loadModel(*window_));
    const QImage before = window_->view()->grabRenderedImage();
    const auto meshBefore = window_->document()->mesh();
    QSlider* slider = window_->shapePanel()->directionSliders().first();
    QVERIFY(waitForShape(*window_, [&] { slider->setValue(300); }));
    const QImage after = window_->view()->grabRenderedImage();
    const double share = differingShare(before, after);
    qInfo("+3 sigma on direction 1 changed %.1f %% of the view", share * 100);
    QVERIFY2(share > 0.005, qPrintable(QString::number(share)));
    QVERIFY(window_->document()->mesh() != meshBefore);
    QVERIFY(std::abs(window_->shapeExplorer()->design()->coefficient(0) - 3.0) < 1e-3);
}

void TstShapeSpace::seedReproducesTheShape()
{
    QVERIFY(loadModel(*window_));
    QSpinBox* seed = window_->shapePanel()->seedSpinBox();
    QVERIFY(waitForShape(*window_, [&] { seed->setValue(42); }));
    const ml::Latent first = window_->shapeExplorer()->lastShape().latent;
    const auto firstMesh = window_->document()->mesh();
    QCOMPARE(first, seedLatent(*window_->shapeExplorer(), 42));
    QVERIFY(waitForShape(*window_, [&] { seed->setValue(7); }));
    const auto otherMesh = window_->document()->mesh();
    QVERIFY(window_->shapeExplorer()->lastShape().latent != first);
    QVERIFY(otherMesh->vertices != firstMesh->vertices);
    QVERIFY(waitForShape(*window_, [&] { seed->setValue(42); }));
    QCOMPARE(window_->shapeExplorer()->lastShape().latent, first);
    QCOMPARE(window_->document()->mesh()->vertices, firstMesh->vertices);
    QCOMPARE(window_->document()->mesh()->triangles, firstMesh->triangles);

    // Random draws a seed and shows it: typing it back reproduces the shape.
    QVERIFY(waitForShape(*window_, [&] { window_->shapePanel()->randomButton()->click(); }));
    const int drawn = seed->value();
    QCOMPARE(window_->shapeExplorer()->design()->state().seed, std::uint64_t(drawn));
    QCOMPARE(window_->shapeExplorer()->lastShape().latent, seedLatent(*window_->shapeExplorer(), std::uint64_t(drawn)));

    // With truncation, a seed is the CLI's `sample --seed 42 --psi 0.5`: psi scales the offset
    // from the seed's family mean, bit for bit as the CLI does.
    QVERIFY(waitForShape(*window_, [&] { window_->shapePanel()->psiSpinBox()->setValue(0.5); }));
    QVERIFY(waitForShape(*window_, [&] { seed->setValue(42); }));
    const auto& prior = window_->shapeExplorer()->model().prior;
    QCOMPARE(window_->shapeExplorer()->design()->effectiveLatent(), ml::samplePrior(prior, 42, 0.5).latent);
    QCOMPARE(window_->shapeExplorer()->design()->latentOfSeed(42), ml::samplePrior(prior, 42, 0.5).latent);
}

void TstShapeSpace::familyJumpAndRandomWithinAFamily()
{
    QVERIFY(loadModel(*window_));
    ui::ShapeSpacePanel* panel = window_->shapePanel();
    ui::ShapeDesign* design = window_->shapeExplorer()->design();
    QComboBox* families = panel->familyComboBox();
    QCOMPARE(families->count(), 4);  // any + the fixture's bottle, knob, mug
    QCOMPARE(families->itemText(3), QStringLiteral("knob"));  // registry order: bottle, mug, knob
    QCOMPARE(panel->familyText(), QStringLiteral("bottle"));  // the start shape's family
    const int undoBefore = design->undoStack()->count();
    QVERIFY(waitForShape(*window_, [&] {
        families->setCurrentIndex(3);
        Q_EMIT families->activated(3);
    }));
    const auto& prior = window_->shapeExplorer()->model().prior;
    QCOMPARE(design->state().latent, prior.components[2].typical);  // the knob's typical shape
    QCOMPARE(window_->shapeExplorer()->lastShape().latent, design->effectiveLatent());
    QCOMPARE(panel->familyText(), QStringLiteral("knob"));
    QCOMPARE(design->undoStack()->count(), undoBefore + 1);
    // Random keeps to the chosen family; the shown seed reproduces the shape.
    for (int i = 0; i < 3; ++i) {
        QVERIFY(waitForShape(*window_, [&] { panel->randomButton()->click(); }));
        const auto seed = std::uint64_t(panel->seedSpinBox()->value());
        QCOMPARE(design->familyOfSeed(seed), 2);
        QCOMPARE(design->state().family, 2);
        QCOMPARE(window_->shapeExplorer()->lastShape().latent, seedLatent(*window_->shapeExplorer(), seed));
    }
    families->setCurrentIndex(0);  // any family again
}

void TstShapeSpace::sliderDragIsOneUndoStep()
{
    QVERIFY(loadModel(*window_));
    ui::ShapeDesign* design = window_->shapeExplorer()->design();
    QUndoStack* stack = design->undoStack();
    const ml::Latent start = design->state().latent;
    const int countBefore = stack->count();
    QSlider* slider = window_->shapePanel()->directionSliders().at(1);
    const int sliderStart = slider->value();  // where the start shape sits on direction 2
    QSignalSpy changed(design, &ui::ShapeDesign::changed);
    slider->setSliderDown(true);  // a drag: interactive, coarse decodes
    for (int v = 20; v <= 200; v += 20) {
        slider->setValue(v);
        QTest::qWait(5);
    }
    QVERIFY(!changed.isEmpty());
    QCOMPARE(changed.last().first().toBool(), true);  // interactive while dragging
    // While the slider is held, the view shows coarse previews of the newest position.
    ui::ShapeExplorer* explorer = window_->shapeExplorer();
    QTRY_VERIFY_WITH_TIMEOUT(explorer->lastShape().latent == design->effectiveLatent(), 30000);
    QCOMPARE(explorer->lastShape().resolution, explorer->coarseResolution());
    // Coarse previews are shown without the costly mesh report; the release decode gets one.
    ui::MeshDocument* document = window_->document();
    QTRY_VERIFY_WITH_TIMEOUT(document->mesh() == explorer->lastShape().mesh, 30000);
    QTest::qWait(300);
    QVERIFY(!document->report().has_value());
    QVERIFY(waitForShape(*window_, [&] { slider->setSliderDown(false); }));
    QTRY_VERIFY_WITH_TIMEOUT(document->report().has_value(), 30000);
    QCOMPARE(document->report()->triangles, explorer->lastShape().mesh->triangleCount());
    QCOMPARE(stack->count(), countBefore + 1);  // merged into one command
    const ml::Latent dragged = design->state().latent;
    QVERIFY(dragged != start);
    QVERIFY(std::abs(design->coefficient(1) - 2.0) < 1e-3);

    // Undo through the Edit menu action (Ctrl+Z), redo with Ctrl+Shift+Z.
    QCOMPARE(window_->undoAction()->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_Z));
    QCOMPARE(window_->redoAction()->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z));
    QVERIFY(waitForShape(*window_, [&] { window_->undoAction()->trigger(); }));
    QCOMPARE(design->state().latent, start);
    QCOMPARE(slider->value(), sliderStart);
    QCOMPARE(window_->shapeExplorer()->lastShape().latent, design->effectiveLatent());
    QVERIFY(waitForShape(*window_, [&] { window_->redoAction()->trigger(); }));
    QCOMPARE(design->state().latent, dragged);
    QCOMPARE(slider->value(), 200);

    // Two separate drags are two steps.
    slider->setSliderDown(true);
    slider->setValue(-100);
    QVERIFY(waitForShape(*window_, [&] { slider->setSliderDown(false); }));
    QCOMPARE(stack->count(), countBefore + 2);
}

void TstShapeSpace::rapidRequestsCoalesce()
{
    QVERIFY(loadModel(*window_));
    ui::ShapeExplorer* explorer = window_->shapeExplorer();
    QVERIFY(explorer->worker()->thread() != QThread::currentThread());
    const int started = explorer->worker()->decodesStarted();
    QSignalSpy decoded(explorer, &ui::ShapeExplorer::shapeDecoded);
    // A timer on the GUI thread: it must keep ticking while the worker decodes.
    int ticks = 0;
    int ticksAtResult = -1;
    QTimer ticker;
    connect(&ticker, &QTimer::timeout, [&] { ++ticks; });
    connect(explorer, &ui::ShapeExplorer::shapeDecoded, [&] {
        if (ticksAtResult < 0) ticksAtResult = ticks;
    });
    ticker.start(2);
    const int latentSize = explorer->model().latentSize;
    // A fine resolution, so that each decode takes a while (resampling + contouring 160^3).
    const int resolution = 160;
    QElapsedTimer posting;
    posting.start();
    quint64 newest = 0;
    for (int i = 0; i < 60; ++i)
        newest = explorer->requestDecodeOf(ml::sampleLatent(1000 + i, latentSize), resolution);
    const qint64 postingMs = posting.elapsed();
    QTRY_VERIFY_WITH_TIMEOUT(!decoded.isEmpty(), 60000);
    const qint64 resultMs = posting.elapsed();
    QTest::qWait(300);  // anything else that was going to arrive
    QCOMPARE(decoded.count(), 1);
    const auto shape = decoded.first().first().value<ui::DecodedShape>();
    QCOMPARE(shape.requestId, newest);
    QCOMPARE(shape.latent, ml::sampleLatent(1000 + 59, latentSize));
    QCOMPARE(shape.resolution, resolution);
    const int decodes = explorer->worker()->decodesStarted() - started;
    qInfo("60 requests posted in %lld ms -> %d decodes (%.0f + %.0f ms each), result after %lld ms, "
          "%d GUI timer ticks before it",
          postingMs, decodes, shape.decodeMs, shape.contourMs, resultMs, ticksAtResult);
    QVERIFY2(decodes <= 2, qPrintable(QString::number(decodes)));
    QVERIFY(postingMs < resultMs);  // posting never waits for a decode
    QVERIFY2(ticksAtResult >= 2, qPrintable(QString::number(ticksAtResult)));
}

void TstShapeSpace::exportedVariantIsWatertight()
{
    QVERIFY(loadModel(*window_));
    QSlider* slider = window_->shapePanel()->directionSliders().at(2);
    QVERIFY(waitForShape(*window_, [&] { slider->setValue(150); }));
    ui::ExportMeshReaction* reaction = window_->exportReaction();
    QSignalSpy finished(reaction, &ui::ExportMeshReaction::exportFinished);
    QSignalSpy failedExport(reaction, &ui::ExportMeshReaction::exportFailed);
    ui::ExportSettings settings;
    settings.path = dir_->filePath(QStringLiteral("variant.stl"));
    settings.format = ExportFormat::StlBinary;
    QVERIFY(reaction->exportTo(settings));
    QTRY_COMPARE_WITH_TIMEOUT(finished.count() + failedExport.count(), 1, 60000);
    QCOMPARE(failedExport.count(), 0);
    const Mesh written = importMesh(settings.path.toStdString());
    QCOMPARE(written.triangleCount(), window_->document()->mesh()->triangleCount());
    const MeshReport report = computeMeshReport(written);
    const MeshReport shown = *window_->document()->report();
    qInfo("exported: %zu triangles, watertight %d edge-manifold %d vertex-manifold %d "
          "self-intersecting %d parts %zu; shown: watertight %d, degenerate %zu",
          written.triangleCount(), int(report.watertight), int(report.edgeManifold),
          int(report.vertexManifold), int(report.selfIntersecting), report.connectedComponents,
          int(shown.watertight), std::size_t(shown.degenerateTriangles));
    QVERIFY(report.watertight);
    QVERIFY(report.edgeManifold);
    QVERIFY(window_->document()->report()->watertight);
}

void TstShapeSpace::heightSizesTheDesign()
{
    QVERIFY(loadModel(*window_));
    ui::ShapeExplorer* explorer = window_->shapeExplorer();
    ui::ShapeDesign* design = explorer->design();
    QDoubleSpinBox* height = window_->shapePanel()->heightSpinBox();
    auto shownHeight = [&] { return double(window_->document()->mesh()->bounds().size()[2]); };
    // A seed's design is shown at the default scale, and the field says how tall it is.
    QVERIFY(waitForShape(*window_, [&] { window_->shapePanel()->seedSpinBox()->setValue(5); }));
    QVERIFY(height->isEnabled());
    QCOMPARE(design->state().scale, kDefaultDesignScale);
    const double before = shownHeight();
    QVERIFY(std::abs(height->value() - before) < 0.051);
    QVERIFY(before > 6 && before <= 2 * kDefaultDesignScale);

    // Typing a height sizes the design: the view, the report and an export follow; one undo step.
    QUndoStack* stack = design->undoStack();
    const int steps = stack->count();
    QVERIFY(waitForShape(*window_, [&] { height->setValue(250.0); }));
    QVERIFY2(std::abs(shownHeight() - 250) < 0.05, qPrintable(QString::number(shownHeight())));
    QVERIFY(std::abs(window_->document()->report()->bounds.size()[2] - 250) < 0.05);
    QCOMPARE(stack->count(), steps + 1);
    const double scale = design->state().scale;
    QVERIFY(std::abs(scale - kDefaultDesignScale * 250 / before) < 1e-3 * scale);
    ui::ExportSettings settings;
    settings.path = dir_->filePath(QStringLiteral("tall.stl"));
    QSignalSpy exported(window_->exportReaction(), &ui::ExportMeshReaction::exportFinished);
    QVERIFY(window_->exportReaction()->exportTo(settings));
    QTRY_COMPARE_WITH_TIMEOUT(exported.count(), 1, 60000);
    QVERIFY(std::abs(importMesh(settings.path.toStdString()).bounds().size()[2] - 250) < 0.05);

    // By the largest dimension instead: the field shows it, typing sizes by it.
    QComboBox* measure = window_->shapePanel()->measureComboBox();
    measure->setCurrentIndex(1);
    auto largestShown = [&] {
        const Vec3f size = window_->document()->mesh()->bounds().size();
        return double(std::max({size[0], size[1], size[2]}));
    };
    QVERIFY(std::abs(height->value() - largestShown()) < 0.051);
    QVERIFY(waitForShape(*window_, [&] { height->setValue(300.0); }));
    QVERIFY(std::abs(largestShown() - 300) < 0.05);
    QVERIFY(waitForShape(*window_, [&] { window_->undoAction()->trigger(); }));
    measure->setCurrentIndex(0);
    QVERIFY(std::abs(height->value() - 250) < 0.051);
    QCOMPARE(design->state().scale, scale);

    // Sliders and seeds keep the scale: the proportions change, the field follows the shape.
    QVERIFY(waitForShape(*window_, [&] { window_->shapePanel()->directionSliders().at(0)->setValue(250); }));
    QCOMPARE(design->state().scale, scale);
    QCOMPARE(explorer->lastShape().scale, scale);
    QVERIFY(std::abs(height->value() - shownHeight()) < 0.051);
    QVERIFY(waitForShape(*window_, [&] { design->reset(); }));
    QCOMPARE(design->state().scale, scale);

    // Undo returns to the size before.
    while (stack->index() > steps) QVERIFY(waitForShape(*window_, [&] { window_->undoAction()->trigger(); }));
    QCOMPARE(design->state().scale, kDefaultDesignScale);
    QVERIFY(std::abs(shownHeight() - before) < 1e-3);
    QVERIFY(std::abs(height->value() - before) < 0.051);

    // The next session starts at the size this one ended with.
    QVERIFY(waitForShape(*window_, [&] { window_->redoAction()->trigger(); }));
    QCOMPARE(design->state().scale, scale);
    window_->close();
    window_ = makeWindow();
    QVERIFY(window_ && loadModel(*window_));
    QCOMPARE(window_->shapeExplorer()->design()->state().scale, scale);
}

void TstShapeSpace::latentJsonRoundTrip()
{
    QVERIFY(loadModel(*window_));
    ui::ShapeSpacePanel* panel = window_->shapePanel();
    ui::ShapeDesign* design = window_->shapeExplorer()->design();
    QVERIFY(waitForShape(*window_, [&] { panel->seedSpinBox()->setValue(11); }));
    QVERIFY(waitForShape(*window_, [&] { panel->heightSpinBox()->setValue(200.0); }));
    const ml::Latent seeded = design->effectiveLatent();
    const double scale = design->state().scale;
    panel->copyLatent();
    const auto json = nlohmann::json::parse(QApplication::clipboard()->text().toStdString());
    QCOMPARE(ml::latentFromJson(json), seeded);
    // The size goes with it, as encode writes a placement: decode and Paste keep it.
    QVERIFY(std::abs(json["placement"]["scale"].get<double>() - 1 / scale) < 1e-6 / scale);
    QVERIFY(waitForShape(*window_, [&] { design->reset(); }));
    QVERIFY(waitForShape(*window_, [&] { panel->heightSpinBox()->setValue(50.0); }));
    QVERIFY(design->effectiveLatent() != seeded);
    QVERIFY(waitForShape(*window_, [&] { QVERIFY(panel->pasteLatent()); }));
    QCOMPARE(design->effectiveLatent(), seeded);
    QVERIFY(std::abs(design->state().scale - scale) < 1e-5 * scale);
    QVERIFY(std::abs(panel->heightSpinBox()->value() - 200.0) < 0.06);
    // A latent file from encode (a part of 0.01 model units per mm: 100 mm per unit) loads at
    // that size; one without a placement keeps the current size.
    {
        nlohmann::json encoded = json;
        encoded["placement"] = {{"centre", {5, 6, 7}}, {"scale", 0.01}};
        std::ofstream(dir_->filePath(QStringLiteral("encoded.json")).toStdString()) << encoded.dump();
        encoded.erase("placement");
        std::ofstream(dir_->filePath(QStringLiteral("bare.json")).toStdString()) << encoded.dump();
        encoded["placement"] = {{"centre", {0, 0, 0}}, {"scale", -1}};
        std::ofstream(dir_->filePath(QStringLiteral("badplace.json")).toStdString()) << encoded.dump();
    }
    QVERIFY(waitForShape(*window_, [&] { QVERIFY(panel->loadLatentFile(dir_->filePath(QStringLiteral("encoded.json")))); }));
    QVERIFY(std::abs(design->state().scale - 100) < 1e-3);
    QVERIFY(panel->loadLatentFile(dir_->filePath(QStringLiteral("bare.json"))));
    QVERIFY(std::abs(design->state().scale - 100) < 1e-3);
    QVERIFY(!panel->loadLatentFile(dir_->filePath(QStringLiteral("badplace.json"))));
    QVERIFY2(panel->statusText().contains(QStringLiteral("placement")), qPrintable(panel->statusText()));
    QVERIFY(waitForShape(*window_, [&] { QVERIFY(panel->pasteLatent()); }));

    // A latent of the wrong size, or no JSON at all: a message, the design stays.
    QApplication::clipboard()->setText(QString::fromStdString(ml::latentToJson({1, 2, 3}).dump()));
    QVERIFY(!panel->pasteLatent());
    QVERIFY2(panel->statusText().contains(QStringLiteral("clipboard")), qPrintable(panel->statusText()));
    QApplication::clipboard()->setText(QStringLiteral("hello"));
    QVERIFY(!panel->pasteLatent());
    QVERIFY(!panel->loadLatentFile(dir_->filePath(QStringLiteral("missing.json"))));
    QVERIFY(panel->statusText().contains(QStringLiteral("missing.json")));
    QCOMPARE(design->effectiveLatent(), seeded);

    // Truncation psi pulls towards the mean.
    QVERIFY(waitForShape(*window_, [&] { panel->psiSpinBox()->setValue(0.5); }));
    const ml::Latent truncated = design->effectiveLatent();
    QCOMPARE(truncated, ml::truncate(seeded, window_->shapeExplorer()->model().directions.mean, 0.5));
}

void TstShapeSpace::interpolationBlendsSizes()
{
    // A 200 mm favourite and the current design at 50 mm: the steps grow geometrically between.
    QVERIFY(loadModel(*window_));
    ui::ShapeExplorer* explorer = window_->shapeExplorer();
    ui::ShapeDesign* design = explorer->design();
    ui::InterpolationPanel* panel = window_->interpolationPanel();
    QVERIFY(waitForShape(*window_, [&] { window_->shapePanel()->seedSpinBox()->setValue(9); }));
    QVERIFY(waitForShape(*window_, [&] { design->setScale(200); }));
    explorer->addFavourite(QStringLiteral("big"));
    QCOMPARE(explorer->favourites().back().scale, 200.0);
    QVERIFY(waitForShape(*window_, [&] { design->setScale(50); }));
    panel->setEndpoint(0, ui::InterpolationPanel::Source::Current);
    panel->setEndpoint(1, ui::InterpolationPanel::Source::Favourite, 0);
    panel->setSteps(3);
    QSignalSpy ready(panel, &ui::InterpolationPanel::stripReady);
    QVERIFY(panel->buildStrip());
    QTRY_COMPARE_WITH_TIMEOUT(ready.count(), 1, 60000);
    QCOMPARE(panel->stepScale(0), 50.0);
    QCOMPARE(panel->stepScale(2), 200.0);
    QVERIFY(std::abs(panel->stepScale(1) - 100.0) < 1e-9);
    QVERIFY(waitForShape(*window_, [&] { panel->showBlend(0.5); }));
    QVERIFY(std::abs(explorer->lastShape().scale - 100.0) < 1e-9);
    QVERIFY(waitForShape(*window_, [&] { panel->selectStep(2); }));
    QCOMPARE(design->state().scale, 200.0);
    QCOMPARE(design->effectiveLatent(), explorer->favourites().front().latent);
}

void TstShapeSpace::interpolationStrip()
{
    QVERIFY(loadModel(*window_));
    ui::InterpolationPanel* panel = window_->interpolationPanel();
    ui::ShapeExplorer* explorer = window_->shapeExplorer();
    // B from a favourite: seed 9 made current, then added.
    QVERIFY(waitForShape(*window_, [&] { window_->shapePanel()->seedSpinBox()->setValue(9); }));
    explorer->addFavourite(QStringLiteral("nine"));
    QCOMPARE(explorer->favourites().size(), 1);
    panel->setEndpoint(0, ui::InterpolationPanel::Source::Seed, 3);
    panel->setEndpoint(1, ui::InterpolationPanel::Source::Favourite, 0);
    panel->setSteps(5);
    panel->setSpherical(true);
    QSignalSpy ready(panel, &ui::InterpolationPanel::stripReady);
    QVERIFY(panel->buildStrip());
    QTRY_COMPARE_WITH_TIMEOUT(ready.count(), 1, 60000);
    QCOMPARE(panel->thumbnails().size(), 5);
    QCOMPARE(panel->stepLatents().size(), std::size_t(5));
    const ml::Latent a = seedLatent(*explorer, 3);
    const ml::Latent b = seedLatent(*explorer, 9);
    QCOMPARE(panel->stepLatents().front(), a);
    QCOMPARE(panel->stepLatents().back(), b);
    QCOMPARE(panel->stepLatents()[2], ml::slerp(a, b, 0.5));
    for (const QImage& image : panel->thumbnails()) QCOMPARE(image.size(), QSize(96, 96));
    QVERIFY(differingShare(panel->thumbnails().front(), panel->thumbnails().back()) > 0.005);

    // The first/last thumbnails are those of A and B rendered alone.
    QSignalSpy alone(explorer, &ui::ShapeExplorer::thumbnailsReady);
    explorer->requestThumbnails({a, b}, QSize(96, 96));
    QTRY_COMPARE_WITH_TIMEOUT(alone.count(), 1, 60000);
    const auto strip = alone.first().first().value<ui::ThumbnailStrip>();
    QCOMPARE(strip.images.size(), 2);
    QCOMPARE(strip.images[0], panel->thumbnails().front());
    QCOMPARE(strip.images[1], panel->thumbnails().back());
    QCOMPARE(strip.bodies.size(), std::size_t(2));
    QCOMPARE(panel->stepBodies().size(), std::size_t(5));

    // t = 0 and t = 1 show A and B in 3D.
    QVERIFY(waitForShape(*window_, [&] { panel->showBlend(0.0); }));
    QCOMPARE(explorer->lastShape().latent, a);
    QVERIFY(waitForShape(*window_, [&] { panel->showBlend(1.0); }));
    QCOMPARE(explorer->lastShape().latent, b);
    QVERIFY(waitForShape(*window_, [&] { panel->showBlend(0.5); }));
    QCOMPARE(explorer->lastShape().latent, ml::slerp(a, b, 0.5));

    // Selecting a step makes it the current design, undoably.
    QVERIFY(waitForShape(*window_, [&] { panel->selectStep(1); }));
    QCOMPARE(explorer->design()->effectiveLatent(), panel->stepLatents()[1]);

    // "Export step" decodes the step at full resolution, then opens File > Export's dialog.
    const QString stepFile = dir_->filePath(QStringLiteral("step4"));
    bool dialogSeen = false;
    ml::Latent latentWhenDialog;
    QTimer poll;
    test::whenModalDialogOpens<ui::ExportDialog>(poll, [&](ui::ExportDialog* dialog) {
        dialogSeen = true;
        latentWhenDialog = explorer->lastShape().latent;
        dialog->setInitialChoice(stepFile, ExportFormat::StlBinary, ui::LengthUnit::Millimetre);
        dialog->accept();
    });
    QSignalSpy exported(window_->exportReaction(), &ui::ExportMeshReaction::exportFinished);
    panel->exportStep(3);
    QTRY_COMPARE_WITH_TIMEOUT(exported.count(), 1, 60000);
    QVERIFY(dialogSeen);
    QCOMPARE(latentWhenDialog, panel->stepLatents()[3]);
    QCOMPARE(explorer->lastShape().resolution, explorer->fullResolution());
    const Mesh written = importMesh(exported.first().first().toString().toStdString());
    QCOMPARE(written.triangleCount(), explorer->lastShape().mesh->triangleCount());
}

void TstShapeSpace::crossFamilyBlendIsFlagged()
{
    QVERIFY(loadModel(*window_));
    ui::InterpolationPanel* panel = window_->interpolationPanel();
    ui::ShapeExplorer* explorer = window_->shapeExplorer();
    ui::ShapeDesign* design = explorer->design();
    const auto& prior = explorer->model().prior;
    QCOMPARE(design->familyOfLatent(prior.components[0].mean), 0);
    QCOMPARE(design->familyOfLatent(prior.components[2].mean), 2);
    // A: the bottle family's typical shape (a favourite); B: the knob's (the current design).
    QVERIFY(waitForShape(*window_, [&] { design->setFamily(0); }));
    explorer->addFavourite(QStringLiteral("bottle"));
    QVERIFY(waitForShape(*window_, [&] { design->setFamily(2); }));
    panel->setEndpoint(0, ui::InterpolationPanel::Source::Favourite, explorer->favourites().size() - 1);
    panel->setEndpoint(1, ui::InterpolationPanel::Source::Current);
    panel->setSteps(3);
    QSignalSpy ready(panel, &ui::InterpolationPanel::stripReady);
    QVERIFY(panel->buildStrip());
    QVERIFY2(panel->blendNote().contains(QStringLiteral("bottle")) && panel->blendNote().contains(QStringLiteral("knob")),
             qPrintable(panel->blendNote()));
    QTRY_COMPARE_WITH_TIMEOUT(ready.count(), 1, 60000);
    QVERIFY2(panel->statusText().contains(QStringLiteral("hybrids")), qPrintable(panel->statusText()));
    // Within one family there is nothing to flag.
    panel->setEndpoint(1, ui::InterpolationPanel::Source::Favourite, explorer->favourites().size() - 1);
    QVERIFY(panel->buildStrip());
    QVERIFY(panel->blendNote().isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(ready.count(), 2, 60000);
    QVERIFY2(!panel->statusText().contains(QStringLiteral("hybrids")), qPrintable(panel->statusText()));
}

void TstShapeSpace::stripMarksStepsThatAreNotOnePart()
{
    // The fixture's barely trained model: on the blend from seed 3 to a latent far outside the
    // training codes some steps are one part and some are not (measured: seed 3 decodes to three
    // bodies). Each step's count is that of the mesh its export would write (the full-resolution
    // decode, specks removed), and the strip marks exactly the steps that are not one part.
    QVERIFY(loadModel(*window_));
    ui::ShapeExplorer* explorer = window_->shapeExplorer();
    ui::InterpolationPanel* panel = window_->interpolationPanel();
    ml::Latent far(std::size_t(explorer->model().latentSize), 0.0f);
    for (std::size_t k = 0; k < far.size(); ++k) far[k] = (k % 2 ? -6.0f : 6.0f);
    QVERIFY(waitForShape(*window_, [&] { explorer->design()->setLatent(far, QStringLiteral("far")); }));
    panel->setEndpoint(0, ui::InterpolationPanel::Source::Seed, 3);
    panel->setEndpoint(1, ui::InterpolationPanel::Source::Current);
    panel->setSteps(6);
    QSignalSpy ready(panel, &ui::InterpolationPanel::stripReady);
    QVERIFY(panel->buildStrip());
    QTRY_COMPARE_WITH_TIMEOUT(ready.count(), 1, 60000);
    QCOMPARE(panel->stepBodies().size(), std::size_t(6));
    QStringList marked;
    for (int i = 0; i < 6; ++i) {
        QVERIFY(waitForShape(*window_, [&] { panel->selectStep(i); }));
        const auto& shape = explorer->lastShape();
        QCOMPARE(shape.latent, panel->stepLatents()[std::size_t(i)]);
        const int bodies = int(countBodies(*shape.mesh, meshShells(*shape.mesh)).bodies);
        qInfo("step %d: %d bodies", i + 1, bodies);
        QCOMPARE(panel->stepBodies()[std::size_t(i)], bodies);
        const QString text = panel->stepButton(i)->text();
        if (bodies == 1) {
            QCOMPARE(text, QString::number(i + 1));
        } else {
            QVERIFY2(text.contains(bodies == 0 ? QStringLiteral("empty") : QStringLiteral("%1 parts").arg(bodies)),
                     qPrintable(text));
            QVERIFY(panel->stepButton(i)->toolTip().contains(bodies == 0 ? QStringLiteral("no surface")
                                                                         : QStringLiteral("print as")));
            marked << QString::number(i + 1);
        }
    }
    QVERIFY(!marked.isEmpty() && marked.size() < 6);  // both kinds of step were checked
    QVERIFY2(panel->statusText().contains(QStringLiteral("Not one part: step(s) ") + marked.join(QStringLiteral(", "))),
             qPrintable(panel->statusText()));
}

void TstShapeSpace::encodeMeshMakesItTheDesign()
{
    QVERIFY(loadModel(*window_));
    // Export the current shape, then encode it back: the latent lands near where it came from.
    ui::ShapeExplorer* explorer = window_->shapeExplorer();
    QVERIFY(waitForShape(*window_, [&] { window_->shapePanel()->seedSpinBox()->setValue(5); }));
    const Mesh source = *window_->document()->mesh();
    ui::ExportSettings settings;
    settings.path = dir_->filePath(QStringLiteral("source.stl"));
    QSignalSpy exported(window_->exportReaction(), &ui::ExportMeshReaction::exportFinished);
    QVERIFY(window_->exportReaction()->exportTo(settings));
    QTRY_COMPARE_WITH_TIMEOUT(exported.count(), 1, 60000);
    QVERIFY(waitForShape(*window_, [&] { explorer->design()->reset(); }));

    QSignalSpy encoded(explorer, &ui::ShapeExplorer::encodeFinished);
    QUndoStack* stack = explorer->design()->undoStack();
    const int steps = stack->count();
    QVERIFY(waitForShape(*window_, [&] { window_->encodeReaction()->encode(settings.path); }));
    QCOMPARE(encoded.count(), 1);
    const auto result = encoded.first().first().value<ui::EncodedMesh>();
    QVERIFY2(result.error.isEmpty(), qPrintable(result.error));
    QCOMPARE(int(result.latent.size()), explorer->model().latentSize);
    QCOMPARE(explorer->design()->effectiveLatent(), result.latent);
    QCOMPARE(stack->count(), steps + 1);
    QVERIFY(window_->scene()->hasReference());  // the input beside the reconstruction
    QVERIFY(!window_->document()->mesh()->empty());
    // Both at the input's own size: the design takes the input's scale, the input is shown
    // as large as it is in its file.
    QVERIFY(result.scale > 0);
    QCOMPARE(explorer->design()->state().scale, result.scale);
    QCOMPARE(explorer->lastShape().scale, result.scale);
    {
        double shown[6];
        window_->scene()->referenceActor()->GetBounds(shown);
        const Vec3f size = source.bounds().size();
        for (int k = 0; k < 3; ++k) QVERIFY(std::abs(shown[2 * k + 1] - shown[2 * k] - size[k]) < 1e-3 * size[k] + 1e-4);
        // Beside the reconstruction, to its left, at any size.
        QVERIFY2(shown[1] < window_->document()->mesh()->bounds().min[0],
                 qPrintable(QStringLiteral("input to x = %1, reconstruction from x = %2")
                                .arg(shown[1]).arg(window_->document()->mesh()->bounds().min[0])));
    }

    // The same part in a file written +y up: read lying, it encodes to another latent; with
    // File > Read Meshes as +Y Up the encode stands it up and lands on the same latent.
    Mesh lying = importMesh(settings.path.toStdString());
    lying.convertUpAxis(UpAxis::Z, UpAxis::Y);
    const QString yUpPath = dir_->filePath(QStringLiteral("source-yup.stl"));
    exportMesh(lying, yUpPath.toStdString());
    auto encodeLatent = [&](const QString& path) {
        encoded.clear();
        window_->encodeReaction()->encode(path);
        if (!QTest::qWaitFor([&] { return encoded.count() == 1; }, 60000)) return ml::Latent{};
        return encoded.first().first().value<ui::EncodedMesh>().latent;
    };
    QVERIFY(encodeLatent(yUpPath) != result.latent);
    QAction* readYUp = nullptr;
    for (QAction* a : window_->findChildren<QAction*>())
        if (a->text().contains(QStringLiteral("+&Y Up"))) readYUp = a;
    QVERIFY(readYUp);
    readYUp->trigger();
    // Stood up, it lands on the same latent; the design goes back to it and is shown (waiting
    // for that decode here: a later wait could otherwise catch it or miss it).
    ml::Latent standing;
    QVERIFY(waitForShape(*window_, [&] { standing = encodeLatent(yUpPath); }));
    QCOMPARE(standing, result.latent);
    readYUp->trigger();

    // A file that is no mesh: an error box naming it, the design stays.
    const QString bad = dir_->filePath(QStringLiteral("bad.stl"));
    QFile file(bad);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("solid x\nfacet nonsense\n");
    file.close();
    encoded.clear();
    window_->encodeReaction()->encode(bad);
    // Encoding takes seconds (the latent is refined): the window says so until it ends.
    auto* progress = window_->findChild<QProgressBar*>(QStringLiteral("busyIndicator"));
    QVERIFY(progress && !progress->isHidden());
    QVERIFY2(window_->statusBar()->currentMessage().contains(QStringLiteral("Encoding bad.stl")),
             qPrintable(window_->statusBar()->currentMessage()));
    QTRY_COMPARE_WITH_TIMEOUT(encoded.count(), 1, 30000);
    QVERIFY(progress->isHidden());
    QVERIFY(!encoded.first().first().value<ui::EncodedMesh>().error.isEmpty());
    QTRY_VERIFY(errorBox(window_.get()) != nullptr);
    QVERIFY2(errorBox(window_.get())->text().contains(QStringLiteral("bad.stl")),
             qPrintable(errorBox(window_.get())->text()));
    QCOMPARE(explorer->design()->effectiveLatent(), result.latent);
}

void TstShapeSpace::encodeShowsProgressKeepsDecodingAndCancels()
{
    QVERIFY(loadModel(*window_));
    ui::ShapeExplorer* explorer = window_->shapeExplorer();
    ui::ExportSettings settings;
    settings.path = dir_->filePath(QStringLiteral("part.stl"));
    QSignalSpy exported(window_->exportReaction(), &ui::ExportMeshReaction::exportFinished);
    QVERIFY(window_->exportReaction()->exportTo(settings));
    QTRY_COMPARE_WITH_TIMEOUT(exported.count(), 1, 60000);

    // A refinement far longer than the test: only a cancel ends it.
    constexpr int kSteps = 1000000;
    explorer->setEncodeRefinement({kSteps, 0.1});
    QSignalSpy progress(explorer, &ui::ShapeExplorer::encodeProgress);
    QSignalSpy finished(explorer, &ui::ShapeExplorer::encodeFinished);
    QUndoStack* stack = explorer->design()->undoStack();
    QAction* cancel = window_->cancelEncodeAction();
    auto* button = window_->findChild<QToolButton*>(QStringLiteral("cancelEncodeButton"));
    auto* bar = window_->findChild<QProgressBar*>(QStringLiteral("busyIndicator"));
    QVERIFY(button && bar);
    QVERIFY(!cancel->isEnabled() && button->isHidden());
    window_->encodeReaction()->encode(settings.path);
    QVERIFY(explorer->isEncoding());
    QVERIFY(cancel->isEnabled() && !button->isHidden());
    QTRY_VERIFY_WITH_TIMEOUT(progress.count() >= 5, 60000);
    // Steps are counted in order, against the whole refinement; the bar shows them.
    for (int i = 1; i < progress.count(); ++i) {
        QVERIFY(progress.at(i).at(0).toInt() > progress.at(i - 1).at(0).toInt());
        QCOMPARE(progress.at(i).at(1).toInt(), kSteps);
    }
    QCOMPARE(bar->maximum(), kSteps);
    QVERIFY(bar->value() > 0 && !bar->isHidden());

    // The design stays live while the encode runs on its own thread.
    QSlider* slider = window_->shapePanel()->directionSliders().first();
    QVERIFY(waitForShape(*window_, [&] { slider->setValue(slider->value() > 0 ? -200 : 200); }));
    QVERIFY(explorer->isEncoding());
    QVERIFY(finished.isEmpty());
    const ml::Latent designed = explorer->design()->effectiveLatent();
    const int undoSteps = stack->count();

    // Cancel: within a step the encode ends, reported as cancelled, and nothing changes.
    QElapsedTimer timer;
    timer.start();
    QTest::mouseClick(button, Qt::LeftButton);  // the status bar's button triggers the action
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
    qInfo("cancelled after %d steps, ended %lld ms after the cancel", progress.last().at(0).toInt(),
          static_cast<long long>(timer.elapsed()));
    const auto result = finished.first().first().value<ui::EncodedMesh>();
    QVERIFY(result.cancelled);
    QVERIFY(result.error.isEmpty());
    QVERIFY(result.latent.empty());
    QVERIFY(!explorer->isEncoding());
    QCOMPARE(explorer->design()->effectiveLatent(), designed);
    QCOMPARE(stack->count(), undoSteps);
    QVERIFY(!cancel->isEnabled() && button->isHidden() && bar->isHidden());
    QVERIFY2(window_->statusBar()->currentMessage().contains(QStringLiteral("cancelled")),
             qPrintable(window_->statusBar()->currentMessage()));
    QTest::qWait(200);
    QCOMPARE(finished.count(), 1);
    QVERIFY(!errorBox(window_.get()));

    // A second encode supersedes a running one: only the newest reports, with its latent.
    finished.clear();
    progress.clear();
    window_->encodeReaction()->encode(settings.path);
    QTRY_VERIFY_WITH_TIMEOUT(explorer->isEncoding() && progress.count() > 0, 10000);
    explorer->setEncodeRefinement({3, 0.1});
    QVERIFY(waitForShape(*window_, [&] { window_->encodeReaction()->encode(settings.path); }));
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30000);
    QTest::qWait(200);
    QCOMPARE(finished.count(), 1);
    const auto newest = finished.first().first().value<ui::EncodedMesh>();
    QVERIFY(!newest.cancelled && newest.error.isEmpty());
    QCOMPARE(explorer->design()->effectiveLatent(), newest.latent);
    QCOMPARE(stack->count(), undoSteps + 1);

    // Loading a model mid-encode stops it: its latent would belong to the old space.
    explorer->setEncodeRefinement({kSteps, 0.1});
    finished.clear();
    progress.clear();
    window_->encodeReaction()->encode(settings.path);
    QTRY_VERIFY_WITH_TIMEOUT(progress.count() > 0, 10000);
    QVERIFY(waitForShape(*window_, [&] { explorer->loadModel(package_); }));
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
    QVERIFY(finished.first().first().value<ui::EncodedMesh>().cancelled);
    QVERIFY(!explorer->isEncoding() && !cancel->isEnabled() && button->isHidden());

    // Closing the window mid-encode stops it within a step instead of waiting it out.
    progress.clear();
    window_->encodeReaction()->encode(settings.path);
    QTRY_VERIFY_WITH_TIMEOUT(progress.count() > 0, 10000);
    timer.restart();
    window_.reset();
    QVERIFY2(timer.elapsed() < 5000, qPrintable(QString::number(timer.elapsed())));
}

void TstShapeSpace::panelShowsTheModelsMeasuredQuality()
{
    QVERIFY(loadModel(*window_));  // the fixture: trained, never evaluated
    QLabel* quality = window_->shapePanel()->qualityLabel();
    QVERIFY(quality->isVisible());
    QVERIFY2(quality->text().contains(QStringLiteral("No quality measured")), qPrintable(quality->text()));

    const std::filesystem::path copy = std::filesystem::path(dir_->path().toStdString()) / "evaluated-shapes";
    std::filesystem::copy(package_.toStdString(), copy);
    writeEvaluationMetrics(copy, {{"held_out", {{"iou", {{"mean", 0.883}}}}},
                                  {"samples", {{"one_watertight_body", 0.95}}},
                                  {"midpoints", {{"one_watertight_body", 0.72}, {"cross_family", {{"one_watertight_body", 0.68}}}}}});
    QVERIFY(waitForShape(*window_, [&] { window_->shapeExplorer()->loadModel(QString::fromStdString(copy.string())); }));
    const QString text = quality->text();
    // Under target (IoU 0.90, one part 95 %) in amber; at target plain.
    QVERIFY2(text.contains(QRegularExpression(QStringLiteral("reconstruction IoU <b[^>]*>0.88</b>"))), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("random designs in one part 95 %")), qPrintable(text));
    QVERIFY2(text.contains(QRegularExpression(QStringLiteral("blends in one part <b[^>]*>72 %</b> \\(across families 68 %\\)"))),
             qPrintable(text));
    QVERIFY(quality->toolTip().contains(QStringLiteral("eval shape-vae")));
}

void TstShapeSpace::screenshot()
{
    // Saves the window with the shape panel for a person to look at (LF_SCREENSHOT_DIR), with the
    // fixture model or the package LF_SCREENSHOT_MODEL names (e.g. models/shapes-default).
    const QString shownModel = qEnvironmentVariable("LF_SCREENSHOT_MODEL", package_);
    QVERIFY(waitForShape(*window_, [&] { window_->shapeExplorer()->loadModel(shownModel); }));
    QVERIFY(waitForShape(*window_, [&] { window_->shapePanel()->seedSpinBox()->setValue(21); }));
    ui::InterpolationPanel* panel = window_->interpolationPanel();
    panel->setEndpoint(0, ui::InterpolationPanel::Source::Seed, 3);
    panel->setEndpoint(1, ui::InterpolationPanel::Source::Seed, 8);
    QSignalSpy ready(panel, &ui::InterpolationPanel::stripReady);
    QVERIFY(panel->buildStrip());
    QTRY_COMPARE_WITH_TIMEOUT(ready.count(), 1, 60000);
    QTest::qWait(100);
    window_->view()->grabRenderedImage();
    const QImage image = window_->grab().toImage();
    QVERIFY(!image.isNull());
    const QByteArray out = qgetenv("LF_SCREENSHOT_DIR");
    if (!out.isEmpty()) {
        QVERIFY(image.save(QString::fromUtf8(out) + QStringLiteral("/shapespace.png")));
        QVERIFY(panel->thumbnails().front().save(QString::fromUtf8(out) + QStringLiteral("/thumb0.png")));
    }

    // Encoding a mesh: the input (transparent) beside its reconstruction.
    ui::ExportSettings settings;
    settings.path = dir_->filePath(QStringLiteral("design.stl"));
    QSignalSpy exported(window_->exportReaction(), &ui::ExportMeshReaction::exportFinished);
    QVERIFY(window_->exportReaction()->exportTo(settings));
    QTRY_COMPARE_WITH_TIMEOUT(exported.count(), 1, 60000);
    // While it encodes: the steps in the status bar beside Cancel.
    QSignalSpy progress(window_->shapeExplorer(), &ui::ShapeExplorer::encodeProgress);
    QVERIFY(waitForShape(*window_, [&] {
        window_->encodeReaction()->encode(settings.path);
        QTRY_VERIFY_WITH_TIMEOUT(progress.count() >= 3, 60000);
        const QImage busy = window_->grab().toImage();
        if (!out.isEmpty()) QVERIFY(busy.save(QString::fromUtf8(out) + QStringLiteral("/encoding.png")));
    }));
    QVERIFY(window_->scene()->hasReference());
    const QImage encoded = window_->view()->grabRenderedImage();
    if (!out.isEmpty()) QVERIFY(encoded.save(QString::fromUtf8(out) + QStringLiteral("/encode.png")));
}

QTEST_MAIN(TstShapeSpace)
#include "tst_shapespace.moc"
