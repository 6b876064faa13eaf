// VtkView + MeshSceneManager under Xvfb/llvmpipe: the mesh is really drawn, the mouse turns and
// the wheel zooms the camera.
#include "ui/VtkView.h"  // first: vtk_glew.h before Qt's OpenGL headers

#include "TestMeshes.h"
#include "ui/MeshSceneManager.h"
#include "ui/MeshToPolyData.h"
#include "ui/SurfaceFormat.h"
#include "tests/common/GuiTestSupport.h"

#include <QApplication>
#include <QDir>
#include <QImage>
#include <QTest>
#include <QWheelEvent>
#include <vtkActor.h>
#include <vtkCamera.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkProperty.h>
#include <vtkRenderer.h>

#include <cmath>
#include <memory>

using namespace lf;

namespace {

using lf::test::colorDistance;
using lf::test::differingShare;

double distance(const double* p, const double* q)
{
    return std::sqrt((p[0] - q[0]) * (p[0] - q[0]) + (p[1] - q[1]) * (p[1] - q[1]) +
                     (p[2] - q[2]) * (p[2] - q[2]));
}

void saveScreenshot(const QImage& image, const QString& name)
{
    const QString dir = QStringLiteral(LF_BINARY_DIR "/screenshots");
    QDir().mkpath(dir);
    image.save(dir + QLatin1Char('/') + name);
}

}  // namespace

class TstVtkView : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void meshIsDrawnShadedAtItsCentre();
    void mouseDragRotatesTheCamera();
    void wheelZooms();
    void edgesAndGridChangeTheImage();
    void resetAndFitFrameTheMesh();
    void floorReachesUnderAnEncodedInputBesideTheMesh();
    void survivesANewContextWhenReparented();

private:
    QImage backgroundOnly();
    QPoint projectedCentre();

    std::unique_ptr<ui::VtkView> view_;
    std::unique_ptr<ui::MeshSceneManager> scene_;
};

void TstVtkView::init()
{
    view_ = std::make_unique<ui::VtkView>();
    view_->resize(640, 480);
    scene_ = std::make_unique<ui::MeshSceneManager>(view_.get());
    scene_->setGridVisible(false);
    // An ellipsoid, not a sphere: turning it must change its silhouette.
    Mesh mesh = test::icosphere(3, 20.0f, {0, 0, 0});
    for (Vec3f& v : mesh.vertices) v = {v[0] * 2.0f + 5, v[1] - 3, v[2] * 0.8f + 40};
    scene_->setMesh(mesh);
    view_->show();
    QVERIFY(QTest::qWaitForWindowExposed(view_.get()));
}

void TstVtkView::cleanup()
{
    scene_.reset();
    view_.reset();
}

QImage TstVtkView::backgroundOnly()
{
    scene_->meshActor()->VisibilityOff();
    scene_->setOrientationAxesVisible(false);
    QImage image = view_->grabRenderedImage();
    scene_->meshActor()->VisibilityOn();
    scene_->setOrientationAxesVisible(true);
    return image;
}

QPoint TstVtkView::projectedCentre()
{
    vtkRenderer* renderer = view_->renderer();
    const double* b = scene_->meshActor()->GetBounds();
    renderer->SetWorldPoint((b[0] + b[1]) / 2, (b[2] + b[3]) / 2, (b[4] + b[5]) / 2, 1.0);
    renderer->WorldToDisplay();
    const double* d = renderer->GetDisplayPoint();
    const int height = view_->renderWindow()->GetSize()[1];
    return QPoint(qRound(d[0]), height - 1 - qRound(d[1]));  // VTK is y-up
}

void TstVtkView::meshIsDrawnShadedAtItsCentre()
{
    const QImage background = backgroundOnly();
    const QImage image = view_->grabRenderedImage();
    saveScreenshot(image, QStringLiteral("vtkview_icosphere.png"));
    QVERIFY(!image.isNull());
    const qreal ratio = view_->devicePixelRatioF();
    QCOMPARE(image.size(), (view_->size() * ratio));

    const QPoint centre = projectedCentre();
    QVERIFY(image.rect().contains(centre));
    QVERIFY2(colorDistance(image.pixel(centre), background.pixel(centre)) > 24,
             "the pixel at the mesh's projected centre shows the background");

    const double share = differingShare(image, background);
    qInfo("silhouette covers %.1f %% of the view", share * 100);
    QVERIFY2(share > 0.05 && share < 0.90, qPrintable(QString::number(share)));

    // Shading shows form: a lit sphere is not one flat colour.
    int minGray = 255, maxGray = 0;
    for (int dy = -60; dy <= 60; dy += 10)
        for (int dx = -60; dx <= 60; dx += 10) {
            const QPoint p = centre + QPoint(dx, dy);
            if (!image.rect().contains(p) || colorDistance(image.pixel(p), background.pixel(p)) <= 24)
                continue;
            const int gray = qGray(image.pixel(p));
            minGray = std::min(minGray, gray);
            maxGray = std::max(maxGray, gray);
        }
    QVERIFY2(maxGray - minGray > 20, "the mesh looks flat (no shading)");
}

void TstVtkView::mouseDragRotatesTheCamera()
{
    const QImage before = view_->grabRenderedImage();
    double positionBefore[3];
    view_->renderer()->GetActiveCamera()->GetPosition(positionBefore);
    const int rendersBefore = view_->renderCount();

    const QPoint start(320, 240);
    QTest::mousePress(view_.get(), Qt::LeftButton, Qt::NoModifier, start);
    for (int step = 1; step <= 10; ++step)
        QTest::mouseMove(view_.get(), start + QPoint(12 * step, 5 * step));
    QTest::mouseRelease(view_.get(), Qt::LeftButton, Qt::NoModifier, start + QPoint(120, 50));

    double positionAfter[3];
    view_->renderer()->GetActiveCamera()->GetPosition(positionAfter);
    QVERIFY2(distance(positionBefore, positionAfter) > 1.0, "dragging did not move the camera");
    QVERIFY2(view_->renderCount() > rendersBefore, "interaction did not re-render");

    const QImage after = view_->grabRenderedImage();
    saveScreenshot(after, QStringLiteral("vtkview_rotated.png"));
    const double changed = differingShare(before, after);
    QVERIFY2(changed > 0.005, qPrintable(QString::number(changed)));
}

void TstVtkView::wheelZooms()
{
    vtkCamera* camera = view_->renderer()->GetActiveCamera();
    const double before = camera->GetDistance();
    const QImage imageBefore = view_->grabRenderedImage();
    const QPointF at(320, 240);
    auto wheel = [&](int delta) {
        QWheelEvent event(at, view_->mapToGlobal(at), QPoint(), QPoint(0, delta), Qt::NoButton,
                          Qt::NoModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(view_.get(), &event);
    };
    wheel(120);
    wheel(120);
    const double closer = camera->GetDistance();
    QVERIFY2(closer < before * 0.95, "wheel forward did not zoom in");
    const double grown = differingShare(imageBefore, view_->grabRenderedImage());
    QVERIFY2(grown > 0.01, "zooming in did not change the image");
    wheel(-120);
    wheel(-120);
    wheel(-120);
    QVERIFY2(camera->GetDistance() > closer * 1.05, "wheel backward did not zoom out");
}

void TstVtkView::edgesAndGridChangeTheImage()
{
    const QImage plain = view_->grabRenderedImage();
    scene_->setEdgesVisible(true);
    QVERIFY(scene_->meshActor()->GetProperty()->GetEdgeVisibility());
    const QImage edges = view_->grabRenderedImage();
    saveScreenshot(edges, QStringLiteral("vtkview_edges.png"));
    QVERIFY(differingShare(plain, edges) > 0.005);
    scene_->setEdgesVisible(false);

    scene_->setGridVisible(true);
    QVERIFY(scene_->gridActor()->GetVisibility());
    const QImage grid = view_->grabRenderedImage();
    saveScreenshot(grid, QStringLiteral("vtkview_grid.png"));
    QVERIFY(differingShare(plain, grid) > 0.005);
    scene_->setGridVisible(false);
    QVERIFY(!scene_->gridActor()->GetVisibility());
}

void TstVtkView::floorReachesUnderAnEncodedInputBesideTheMesh()
{
    scene_->setGridVisible(true);
    double mesh[6], floor[6];
    scene_->meshActor()->GetBounds(mesh);
    scene_->gridActor()->GetBounds(floor);
    QVERIFY(floor[0] <= mesh[0] && floor[1] >= mesh[1] && floor[2] <= mesh[2] && floor[3] >= mesh[3]);
    QCOMPARE(floor[4], mesh[4]);
    const double alone[6] = {floor[0], floor[1], floor[2], floor[3], floor[4], floor[5]};

    // The input shown beside its reconstruction (as Shape > Encode does), a little lower.
    const double offset[3] = {-3 * (mesh[1] - mesh[0]), 0, -2};
    scene_->setReferencePolyData(ui::meshToPolyData(test::icosphere(3, 20.0f, {0, 0, 0})), offset);
    double input[6];
    scene_->referenceActor()->GetBounds(input);
    QVERIFY(input[1] < mesh[0]);  // beside, not overlapping
    scene_->gridActor()->GetBounds(floor);
    QVERIFY2(floor[0] <= input[0] && floor[1] >= mesh[1],
             qPrintable(QStringLiteral("floor x %1..%2, input from %3").arg(floor[0]).arg(floor[1]).arg(input[0])));
    QCOMPARE(floor[4], std::min(input[4], mesh[4]));
    saveScreenshot(view_->grabRenderedImage(), QStringLiteral("vtkview_reference_on_floor.png"));

    scene_->clearReference();
    scene_->gridActor()->GetBounds(floor);
    for (int i = 0; i < 6; ++i) QCOMPARE(floor[i], alone[i]);
}

void TstVtkView::resetAndFitFrameTheMesh()
{
    vtkCamera* camera = view_->renderer()->GetActiveCamera();
    double home[3];
    camera->GetPosition(home);
    camera->Dolly(4.0);  // far too close
    camera->Azimuth(70);
    scene_->fitToView();
    const QImage fitted = view_->grabRenderedImage();
    const double share = differingShare(fitted, backgroundOnly());
    QVERIFY2(share > 0.05 && share < 0.90, qPrintable(QString::number(share)));

    scene_->resetCamera();
    double reset[3];
    camera->GetPosition(reset);
    QVERIFY2(distance(home, reset) < 1e-6 * std::max(1.0, camera->GetDistance()),
             "reset did not return to the home view");

    // A new mesh elsewhere is framed too.
    scene_->setMesh(test::icosphere(2, 500.0f, {3000, 0, 0}));
    const QImage moved = view_->grabRenderedImage();
    const double movedShare = differingShare(moved, backgroundOnly());
    QVERIFY2(movedShare > 0.05 && movedShare < 0.90, qPrintable(QString::number(movedShare)));
}

void TstVtkView::survivesANewContextWhenReparented()
{
    // Moving a QOpenGLWidget to another window destroys its context: VTK must release its GL
    // objects with the old one and rebuild them in the new one.
    QImage before = view_->grabRenderedImage();
    QWidget container;
    container.resize(700, 520);
    view_->setParent(&container);
    view_->move(0, 0);
    container.show();
    view_->show();
    QVERIFY(QTest::qWaitForWindowExposed(&container));
    view_->resize(640, 480);
    const QImage after = view_->grabRenderedImage();
    QCOMPARE(after.size(), before.size());
    const double changed = differingShare(before, after);
    QVERIFY2(changed >= 0 && changed < 0.01, qPrintable(QString::number(changed)));
    view_->setParent(nullptr);  // the fixture deletes it
}

int main(int argc, char** argv)
{
    ui::installDefaultSurfaceFormat();  // before the QApplication, as the app does
    QApplication app(argc, argv);
    TstVtkView test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_vtkview.moc"
