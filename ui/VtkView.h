#pragma once
// A Qt 6 widget showing a VTK render window. Debian's QVTKOpenGLNativeWidget is built against
// Qt 5, so this is our own adapter: VTK renders with Qt's OpenGL context into its own
// framebuffer, and paintGL blits that into the widget's framebuffer.
// vtk_glew.h must come before any Qt OpenGL header (GLEW refuses to follow gl.h).
#include <vtk_glew.h>

#include <QImage>
#include <QOpenGLWidget>
#include <vtkSmartPointer.h>

#include <vector>

class vtkGenericOpenGLRenderWindow;
class vtkGenericRenderWindowInteractor;
class vtkObject;
class vtkRenderer;

namespace lf::ui {

class VtkView : public QOpenGLWidget {
    Q_OBJECT
public:
    explicit VtkView(QWidget* parent = nullptr);
    ~VtkView() override;

    vtkGenericOpenGLRenderWindow* renderWindow() const;
    vtkRenderer* renderer() const;
    vtkGenericRenderWindowInteractor* interactor() const;

    // Asks VTK to render again at the next paint (after the scene changed).
    void requestRender();
    // Renders now and returns what the widget shows (test and screenshot hook).
    QImage grabRenderedImage();
    // Frames VTK has rendered so far (tests check that interaction re-renders).
    int renderCount() const { return renderCount_; }

protected:
    void initializeGL() override;
    void resizeGL(int width, int height) override;
    void paintGL() override;

    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void keyReleaseEvent(QKeyEvent* event) override;
    void enterEvent(QEnterEvent* event) override;
    void leaveEvent(QEvent* event) override;

private:
    void onRenderWindowEvent(vtkObject* caller, unsigned long eventId, void* callData);
    void onContextAboutToBeDestroyed();
    void releaseGraphics();
    void updateRenderWindowSize();
    void blitToWidgetFramebuffer();
    // Sets the interactor's event position (device pixels, VTK's y-up) and modifiers.
    void setEventInformation(const QPointF& position, Qt::KeyboardModifiers modifiers,
                             int repeat = 0);

    vtkSmartPointer<vtkGenericOpenGLRenderWindow> renderWindow_;
    vtkSmartPointer<vtkRenderer> renderer_;
    vtkSmartPointer<vtkGenericRenderWindowInteractor> interactor_;
    std::vector<unsigned long> observerIds_;
    bool glInitialized_ = false;
    bool renderPending_ = true;  // VTK must render at the next paintGL
    bool inPaint_ = false;
    int renderCount_ = 0;
};

}  // namespace lf::ui
