#include "ui/MeshSceneManager.h"

#include "ui/MeshToPolyData.h"
#include "ui/VtkView.h"

#include <vtkActor.h>
#include <vtkAxesActor.h>
#include <vtkCamera.h>
#include <vtkCaptionActor2D.h>
#include <vtkCommand.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkLightKit.h>
#include <vtkNew.h>
#include <vtkPlaneSource.h>
#include <vtkPolyData.h>
#include <vtkPolyDataMapper.h>
#include <vtkProperty.h>
#include <vtkRenderer.h>
#include <vtkTextProperty.h>

#include <algorithm>
#include <cmath>

namespace lf::ui {

namespace {
// Neutral, slightly cool clay: reads well under the light kit and prints well in screenshots.
constexpr double kMeshColor[3] = {0.80, 0.82, 0.86};
constexpr double kEdgeColor[3] = {0.18, 0.20, 0.24};
constexpr double kGridColor[3] = {0.55, 0.58, 0.63};
constexpr double kBackgroundBottom[3] = {0.32, 0.34, 0.38};
constexpr double kBackgroundTop[3] = {0.72, 0.75, 0.80};

// 1, 2 or 5 times a power of ten: grid steps people can read.
double niceStep(double raw)
{
    if (raw <= 0) return 1;
    const double power = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 5.0})
        if (raw <= m * power) return m * power;
    return 10 * power;
}
}  // namespace

MeshSceneManager::MeshSceneManager(VtkView* view, QObject* parent)
    : QObject(parent), view_(view), renderer_(view->renderer())
{
    vtkRenderer* renderer = renderer_;
    renderer->GradientBackgroundOn();
    renderer->SetBackground(kBackgroundBottom[0], kBackgroundBottom[1], kBackgroundBottom[2]);
    renderer->SetBackground2(kBackgroundTop[0], kBackgroundTop[1], kBackgroundTop[2]);
    // Key, fill, back and head lights: shows the form of the shape from any direction.
    renderer->RemoveAllLights();
    vtkNew<vtkLightKit> lightKit;
    lightKit->AddLightsToRenderer(renderer);
    renderer->UseFXAAOn();  // smooth silhouettes without multisampled buffers

    polyData_ = vtkSmartPointer<vtkPolyData>::New();
    vtkNew<vtkPolyDataMapper> mapper;
    mapper->SetInputData(polyData_);
    mapper->ScalarVisibilityOff();
    meshActor_ = vtkSmartPointer<vtkActor>::New();
    meshActor_->SetMapper(mapper);
    vtkProperty* property = meshActor_->GetProperty();
    property->SetInterpolationToPhong();
    property->SetColor(kMeshColor[0], kMeshColor[1], kMeshColor[2]);
    property->SetAmbient(0.08);
    property->SetDiffuse(0.85);
    property->SetSpecular(0.25);
    property->SetSpecularPower(40);
    property->SetEdgeColor(kEdgeColor[0], kEdgeColor[1], kEdgeColor[2]);
    property->EdgeVisibilityOff();
    meshActor_->VisibilityOff();
    renderer->AddActor(meshActor_);

    referenceActor_ = vtkSmartPointer<vtkActor>::New();
    vtkNew<vtkPolyDataMapper> referenceMapper;
    referenceMapper->ScalarVisibilityOff();
    referenceActor_->SetMapper(referenceMapper);
    referenceActor_->GetProperty()->SetColor(0.95, 0.70, 0.45);  // warm: "the input"
    referenceActor_->GetProperty()->SetOpacity(0.4);
    referenceActor_->PickableOff();
    referenceActor_->VisibilityOff();
    renderer->AddActor(referenceActor_);

    gridActor_ = vtkSmartPointer<vtkActor>::New();
    vtkNew<vtkPolyDataMapper> gridMapper;
    gridActor_->SetMapper(gridMapper);
    gridActor_->GetProperty()->SetRepresentationToWireframe();
    gridActor_->GetProperty()->SetColor(kGridColor[0], kGridColor[1], kGridColor[2]);
    gridActor_->GetProperty()->LightingOff();
    gridActor_->PickableOff();
    gridActor_->VisibilityOff();
    renderer->AddActor(gridActor_);

    // Orientation axes in the lower-left corner: a second renderer on top whose camera follows
    // the main camera's direction (what vtkOrientationMarkerWidget does, without its module).
    axesActor_ = vtkSmartPointer<vtkAxesActor>::New();
    axesActor_->SetShaftTypeToCylinder();
    axesActor_->SetTotalLength(1.0, 1.0, 1.0);
    for (vtkCaptionActor2D* caption : {axesActor_->GetXAxisCaptionActor2D(),
                                       axesActor_->GetYAxisCaptionActor2D(),
                                       axesActor_->GetZAxisCaptionActor2D()}) {
        caption->GetCaptionTextProperty()->SetFontSize(14);
        caption->GetCaptionTextProperty()->ShadowOff();
        caption->GetCaptionTextProperty()->ItalicOff();
    }
    axesRenderer_ = vtkSmartPointer<vtkRenderer>::New();
    axesRenderer_->SetViewport(0.0, 0.0, 0.18, 0.18);
    axesRenderer_->SetLayer(1);
    axesRenderer_->InteractiveOff();
    axesRenderer_->AddActor(axesActor_);
    view_->renderWindow()->SetNumberOfLayers(2);
    view_->renderWindow()->AddRenderer(axesRenderer_);
    cameraObserver_ = renderer->AddObserver(vtkCommand::StartEvent, this,
                                            &MeshSceneManager::syncOrientationCamera);
    resetCamera();
}

MeshSceneManager::~MeshSceneManager()
{
    renderer_->RemoveObserver(cameraObserver_);
}

void MeshSceneManager::requestRender()
{
    if (view_) view_->requestRender();
}

VtkView* MeshSceneManager::view() const { return view_; }
vtkActor* MeshSceneManager::meshActor() const { return meshActor_; }
vtkActor* MeshSceneManager::gridActor() const { return gridActor_; }
vtkPolyData* MeshSceneManager::polyData() const { return polyData_; }

void MeshSceneManager::syncOrientationCamera()
{
    vtkCamera* main = renderer_.Get()->GetActiveCamera();
    vtkCamera* axes = axesRenderer_->GetActiveCamera();
    double position[3], focal[3];
    main->GetPosition(position);
    main->GetFocalPoint(focal);
    double direction[3] = {position[0] - focal[0], position[1] - focal[1], position[2] - focal[2]};
    const double length = std::sqrt(direction[0] * direction[0] + direction[1] * direction[1] +
                                    direction[2] * direction[2]);
    if (length <= 0) return;
    axes->SetFocalPoint(0, 0, 0);
    axes->SetPosition(direction[0] / length * 5, direction[1] / length * 5,
                      direction[2] / length * 5);
    axes->SetViewUp(main->GetViewUp());
    axes->SetViewAngle(30);
    axesRenderer_->ResetCameraClippingRange();
}

void MeshSceneManager::setMesh(const Mesh& mesh, bool resetView)
{
    setPolyData(meshToPolyData(mesh), resetView);
}

void MeshSceneManager::setPolyData(vtkSmartPointer<vtkPolyData> polyData, bool resetView)
{
    const bool hadMesh = hasMesh();
    polyData_->ShallowCopy(polyData);
    polyData_->Modified();
    meshActor_->SetVisibility(polyData_->GetNumberOfCells() > 0);
    rebuildGrid();
    if (resetView || !hadMesh)
        resetCamera();
    else
        fitToView();
}

void MeshSceneManager::replacePolyData(vtkSmartPointer<vtkPolyData> polyData)
{
    if (!hasMesh()) {
        setPolyData(std::move(polyData), true);
        return;
    }
    polyData_->ShallowCopy(polyData);
    polyData_->Modified();
    meshActor_->SetVisibility(polyData_->GetNumberOfCells() > 0);
    rebuildGrid();
    renderer_->ResetCameraClippingRange();
    requestRender();
}

void MeshSceneManager::setReferencePolyData(vtkSmartPointer<vtkPolyData> polyData,
                                            const double offset[3])
{
    static_cast<vtkPolyDataMapper*>(referenceActor_->GetMapper())->SetInputData(polyData);
    referenceActor_->SetPosition(offset[0], offset[1], offset[2]);
    referenceActor_->SetVisibility(polyData && polyData->GetNumberOfCells() > 0);
    rebuildGrid();
    resetCamera();
}

void MeshSceneManager::clearReference()
{
    if (!hasReference()) return;
    referenceActor_->VisibilityOff();
    static_cast<vtkPolyDataMapper*>(referenceActor_->GetMapper())->SetInputData(nullptr);
    rebuildGrid();
    requestRender();
}

bool MeshSceneManager::hasReference() const
{
    return referenceActor_->GetVisibility();
}

void MeshSceneManager::sceneBounds(double b[6]) const
{
    const double unit[6] = {-1, 1, -1, 1, -1, 1};
    std::copy(unit, unit + 6, b);
    if (hasMesh()) polyData_->GetBounds(b);
    if (hasReference()) {
        const double* r = referenceActor_->GetBounds();
        for (int i = 0; i < 3; ++i) {
            b[2 * i] = hasMesh() ? std::min(b[2 * i], r[2 * i]) : r[2 * i];
            b[2 * i + 1] = hasMesh() ? std::max(b[2 * i + 1], r[2 * i + 1]) : r[2 * i + 1];
        }
    }
}

void MeshSceneManager::clearMesh()
{
    polyData_->Initialize();
    meshActor_->VisibilityOff();
    gridActor_->VisibilityOff();
    requestRender();
}

bool MeshSceneManager::hasMesh() const
{
    return meshActor_->GetVisibility() && polyData_->GetNumberOfCells() > 0;
}

void MeshSceneManager::setEdgesVisible(bool visible)
{
    edgesVisible_ = visible;
    meshActor_->GetProperty()->SetEdgeVisibility(visible);
    requestRender();
}

void MeshSceneManager::setGridVisible(bool visible)
{
    gridVisible_ = visible;
    gridActor_->SetVisibility(visible && hasMesh());
    requestRender();
}

void MeshSceneManager::setOrientationAxesVisible(bool visible)
{
    axesActor_->SetVisibility(visible);
    requestRender();
}

bool MeshSceneManager::orientationAxesVisible() const
{
    return axesActor_->GetVisibility();
}

void MeshSceneManager::rebuildGrid()
{
    if (!hasMesh()) {
        gridActor_->VisibilityOff();
        return;
    }
    double b[6];
    sceneBounds(b);  // an encoded input shown beside the mesh stands on the floor too
    // A square floor under the mesh (Z up), larger than its footprint, on round numbers.
    const double extent = std::max({b[1] - b[0], b[3] - b[2], (b[5] - b[4]) * 0.5, 1e-6});
    const double step = niceStep(extent / 8);
    const int halfCells = std::clamp(static_cast<int>(std::ceil(extent * 0.9 / step)), 2, 60);
    const double cx = std::round((b[0] + b[1]) / 2 / step) * step;
    const double cy = std::round((b[2] + b[3]) / 2 / step) * step;
    const double half = halfCells * step;
    vtkNew<vtkPlaneSource> plane;
    plane->SetOrigin(cx - half, cy - half, b[4]);
    plane->SetPoint1(cx + half, cy - half, b[4]);
    plane->SetPoint2(cx - half, cy + half, b[4]);
    plane->SetResolution(halfCells * 2, halfCells * 2);
    plane->Update();
    static_cast<vtkPolyDataMapper*>(gridActor_->GetMapper())->SetInputData(plane->GetOutput());
    gridActor_->SetVisibility(gridVisible_);
}

void MeshSceneManager::resetCamera()
{
    vtkRenderer* renderer = renderer_;
    vtkCamera* camera = renderer->GetActiveCamera();
    double b[6];
    sceneBounds(b);
    const double center[3] = {(b[0] + b[1]) / 2, (b[2] + b[3]) / 2, (b[4] + b[5]) / 2};
    // From the front-right, slightly above, Z up.
    camera->SetFocalPoint(center);
    camera->SetPosition(center[0] + 1.0, center[1] - 1.6, center[2] + 0.9);
    camera->SetViewUp(0, 0, 1);
    renderer->ResetCamera(b);
    renderer->ResetCameraClippingRange();
    requestRender();
}

void MeshSceneManager::fitToView()
{
    vtkRenderer* renderer = renderer_;
    if (hasMesh() || hasReference()) {
        double b[6];
        sceneBounds(b);
        renderer->ResetCamera(b);
    } else {
        renderer->ResetCamera();
    }
    renderer->ResetCameraClippingRange();
    requestRender();
}

vtkActor* MeshSceneManager::referenceActor() const
{
    return referenceActor_;
}

}  // namespace lf::ui
