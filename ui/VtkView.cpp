#include "ui/VtkView.h"

#include "ui/OpenGLContextAccess.h"

#include <QCursor>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QScreen>
#include <QWheelEvent>
#include <vtkCallbackCommand.h>
#include <vtkCommand.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkGenericRenderWindowInteractor.h>
#include <vtkInteractorStyleTrackballCamera.h>
#include <vtkNew.h>
#include <vtkOpenGLFramebufferObject.h>
#include <vtkOpenGLState.h>
#include <vtkRenderer.h>

namespace lf::ui {

VtkView::VtkView(QWidget* parent) : QOpenGLWidget(parent)
{
    renderWindow_ = vtkSmartPointer<vtkGenericOpenGLRenderWindow>::New();
    renderer_ = vtkSmartPointer<vtkRenderer>::New();
    renderWindow_->AddRenderer(renderer_);
    // We blit VTK's frame into Qt's framebuffer ourselves in paintGL; VTK must neither own the
    // context nor blit to framebuffer 0 (which is not the widget's buffer under Qt).
    renderWindow_->SetOwnContext(false);
    renderWindow_->SetFrameBlitModeToNoBlit();
    renderWindow_->SetMultiSamples(0);
    renderWindow_->SetReadyForRendering(false);  // until initializeGL has a context

    // VTK asks the host through these events whenever it needs the context or finished a frame.
    for (unsigned long id : {vtkCommand::WindowMakeCurrentEvent, vtkCommand::WindowIsCurrentEvent,
                             vtkCommand::WindowFrameEvent}) {
        observerIds_.push_back(
            renderWindow_->AddObserver(id, this, &VtkView::onRenderWindowEvent));
    }

    interactor_ = vtkSmartPointer<vtkGenericRenderWindowInteractor>::New();
    interactor_->SetRenderWindow(renderWindow_);
    vtkNew<vtkInteractorStyleTrackballCamera> style;
    interactor_->SetInteractorStyle(style);

    setFocusPolicy(Qt::StrongFocus);
    setMouseTracking(true);
    setMinimumSize(64, 64);
}

VtkView::~VtkView()
{
    makeCurrent();
    releaseGraphics();
    for (unsigned long id : observerIds_) renderWindow_->RemoveObserver(id);
    doneCurrent();
}

vtkGenericOpenGLRenderWindow* VtkView::renderWindow() const { return renderWindow_; }
vtkRenderer* VtkView::renderer() const { return renderer_; }
vtkGenericRenderWindowInteractor* VtkView::interactor() const { return interactor_; }

void VtkView::requestRender()
{
    renderPending_ = true;
    update();
}

QImage VtkView::grabRenderedImage()
{
    renderPending_ = true;
    return grabFramebuffer();  // runs paintGL into the widget's framebuffer and reads it back
}

void VtkView::onRenderWindowEvent(vtkObject*, unsigned long eventId, void* callData)
{
    switch (eventId) {
    case vtkCommand::WindowMakeCurrentEvent:
        // The context only: QOpenGLWidget::makeCurrent() would also bind Qt's framebuffer behind
        // the back of VTK's state cache, and VTK calls MakeCurrent in the middle of its own
        // framebuffer set-up (its attachments then land in Qt's framebuffer).
        makeContextCurrent(this);
        break;
    case vtkCommand::WindowIsCurrentEvent: {
        *static_cast<bool*>(callData) = isContextCurrent(this);
        break;
    }
    case vtkCommand::WindowFrameEvent:
        ++renderCount_;
        // A render started outside paintGL (interaction): show its frame at the next paint.
        renderPending_ = false;
        if (!inPaint_) update();
        break;
    default:
        break;
    }
}

void VtkView::initializeGL()
{
    // Runs again whenever Qt recreates the context (e.g. the widget is re-parented).
    connectContextAboutToBeDestroyed(this, this, [this] { onContextAboutToBeDestroyed(); });

    vtkOpenGLState* state = renderWindow_->GetState();
    state->Reset();  // learn Qt's current GL state
    state->vtkglDepthFunc(GL_LEQUAL);  // Qt leaves GL_LESS; VTK expects GL_LEQUAL

    renderWindow_->SetReadyForRendering(true);
    renderWindow_->SetForceMaximumHardwareLineWidth(1);
    // Sizes before the first render, or VTK makes a 300x300 framebuffer.
    updateRenderWindowSize();
    renderWindow_->OpenGLInitContext();  // glewInit + VTK's capability checks on Qt's context
    if (!interactor_->GetInitialized()) {
        interactor_->SetEnableRender(false);  // Initialize() would render before we are ready
        interactor_->Initialize();
        interactor_->SetEnableRender(true);
    }
    glInitialized_ = true;
    renderPending_ = true;
}

void VtkView::onContextAboutToBeDestroyed()
{
    makeCurrent();
    releaseGraphics();
    doneCurrent();
}

void VtkView::releaseGraphics()
{
    if (!glInitialized_) return;
    renderWindow_->Finalize();  // releases VTK's GL objects; the context stays Qt's
    renderWindow_->SetReadyForRendering(false);
    glInitialized_ = false;
}

void VtkView::updateRenderWindowSize()
{
    // VTK works in device pixels; Qt sizes are logical.
    const qreal ratio = devicePixelRatioF();
    const int w = std::max(1, qRound(width() * ratio));
    const int h = std::max(1, qRound(height() * ratio));
    interactor_->UpdateSize(w, h);  // also resizes the render window
    renderWindow_->SetSize(w, h);
    if (const QScreen* s = screen()) {
        renderWindow_->SetScreenSize(qRound(s->size().width() * ratio),
                                     qRound(s->size().height() * ratio));
    }
    renderWindow_->SetDPI(qRound(72 * ratio));
}

void VtkView::resizeGL(int, int)
{
    updateRenderWindowSize();
    renderPending_ = true;
}

void VtkView::paintGL()
{
    if (!glInitialized_ || inPaint_) return;
    inPaint_ = true;
    if (renderPending_) {
        // vtkGenericOpenGLRenderWindow::Render resets VTK's state cache from GL, pushes,
        // renders into VTK's own framebuffers and pops.
        renderWindow_->Render();
        renderPending_ = false;
    }
    // A render may have triggered events that made another context current.
    makeCurrent();
    blitToWidgetFramebuffer();
    inPaint_ = false;
}

void VtkView::blitToWidgetFramebuffer()
{
    vtkOpenGLState* state = renderWindow_->GetState();
    // Qt bound its framebuffer behind VTK's back: re-read the real GL state so that the cache,
    // which BlitDisplayFramebuffer relies on, matches it.
    state->Reset();
    const int* size = renderWindow_->GetSize();
    const GLuint target = defaultFramebufferObject();
    const int targetWidth = qRound(width() * devicePixelRatioF());
    const int targetHeight = qRound(height() * devicePixelRatioF());

    state->vtkglBindFramebuffer(GL_DRAW_FRAMEBUFFER, target);
    GLenum drawBuffer = GL_COLOR_ATTACHMENT0;
    state->vtkglDrawBuffers(1, &drawBuffer);
    {
        // Scissor clips blits; Qt may have left it on.
        vtkOpenGLState::ScopedglEnableDisable scissor(state, GL_SCISSOR_TEST);
        state->vtkglDisable(GL_SCISSOR_TEST);
        renderWindow_->BlitDisplayFramebuffer(0, 0, 0, size[0], size[1], 0, 0, targetWidth,
                                              targetHeight, GL_COLOR_BUFFER_BIT, GL_NEAREST);
        // Opaque alpha, or the compositor blends the view with what lies behind (Mesa).
        vtkOpenGLState::ScopedglColorMask mask(state);
        vtkOpenGLState::ScopedglClearColor clear(state);
        vtkOpenGLState::ScopedglViewport viewport(state);
        state->vtkglColorMask(GL_FALSE, GL_FALSE, GL_FALSE, GL_TRUE);
        state->vtkglClearColor(0, 0, 0, 1);
        state->vtkglViewport(0, 0, targetWidth, targetHeight);
        state->vtkglClear(GL_COLOR_BUFFER_BIT);
    }
    // Leave Qt's framebuffer bound for both reading and drawing, as QOpenGLWidget expects.
    state->vtkglBindFramebuffer(GL_FRAMEBUFFER, target);
}

void VtkView::setEventInformation(const QPointF& position, Qt::KeyboardModifiers modifiers,
                                  int repeat)
{
    const qreal ratio = devicePixelRatioF();
    interactor_->SetEventInformationFlipY(qRound(position.x() * ratio),
                                          qRound(position.y() * ratio),
                                          (modifiers & Qt::ControlModifier) ? 1 : 0,
                                          (modifiers & Qt::ShiftModifier) ? 1 : 0, 0, repeat);
    interactor_->SetAltKey((modifiers & Qt::AltModifier) ? 1 : 0);
}

namespace {
unsigned long pressEventFor(Qt::MouseButton button)
{
    switch (button) {
    case Qt::LeftButton: return vtkCommand::LeftButtonPressEvent;
    case Qt::MiddleButton: return vtkCommand::MiddleButtonPressEvent;
    case Qt::RightButton: return vtkCommand::RightButtonPressEvent;
    default: return vtkCommand::NoEvent;
    }
}
unsigned long releaseEventFor(Qt::MouseButton button)
{
    switch (button) {
    case Qt::LeftButton: return vtkCommand::LeftButtonReleaseEvent;
    case Qt::MiddleButton: return vtkCommand::MiddleButtonReleaseEvent;
    case Qt::RightButton: return vtkCommand::RightButtonReleaseEvent;
    default: return vtkCommand::NoEvent;
    }
}
}  // namespace

void VtkView::mousePressEvent(QMouseEvent* event)
{
    setEventInformation(event->position(), event->modifiers());
    if (const unsigned long id = pressEventFor(event->button()); id != vtkCommand::NoEvent) {
        interactor_->InvokeEvent(id);
        event->accept();
    }
}

void VtkView::mouseDoubleClickEvent(QMouseEvent* event)
{
    // VTK's styles read double clicks from the repeat count of a press.
    setEventInformation(event->position(), event->modifiers(), 1);
    if (const unsigned long id = pressEventFor(event->button()); id != vtkCommand::NoEvent)
        interactor_->InvokeEvent(id);
}

void VtkView::mouseMoveEvent(QMouseEvent* event)
{
    setEventInformation(event->position(), event->modifiers());
    interactor_->InvokeEvent(vtkCommand::MouseMoveEvent);
}

void VtkView::mouseReleaseEvent(QMouseEvent* event)
{
    setEventInformation(event->position(), event->modifiers());
    if (const unsigned long id = releaseEventFor(event->button()); id != vtkCommand::NoEvent)
        interactor_->InvokeEvent(id);
}

void VtkView::wheelEvent(QWheelEvent* event)
{
    setEventInformation(event->position(), event->modifiers());
    const int delta = event->angleDelta().y() != 0 ? event->angleDelta().y()
                                                   : event->angleDelta().x();
    if (delta > 0)
        interactor_->InvokeEvent(vtkCommand::MouseWheelForwardEvent);
    else if (delta < 0)
        interactor_->InvokeEvent(vtkCommand::MouseWheelBackwardEvent);
    event->accept();
}

void VtkView::keyPressEvent(QKeyEvent* event)
{
    // Key presses only (no CharEvent): VTK's single-letter commands ('e' exits, '3' stereo...)
    // would fight the application's own shortcuts.
    const QByteArray text = event->text().toLatin1();
    const QPoint cursor = mapFromGlobal(QCursor::pos());
    setEventInformation(cursor, event->modifiers(), event->isAutoRepeat() ? 1 : 0);
    interactor_->SetKeyCode(text.isEmpty() ? 0 : text[0]);
    interactor_->SetKeySym(text.isEmpty() ? nullptr : text.constData());
    interactor_->InvokeEvent(vtkCommand::KeyPressEvent);
    QOpenGLWidget::keyPressEvent(event);
}

void VtkView::keyReleaseEvent(QKeyEvent* event)
{
    const QByteArray text = event->text().toLatin1();
    interactor_->SetKeyCode(text.isEmpty() ? 0 : text[0]);
    interactor_->SetKeySym(text.isEmpty() ? nullptr : text.constData());
    interactor_->InvokeEvent(vtkCommand::KeyReleaseEvent);
    QOpenGLWidget::keyReleaseEvent(event);
}

void VtkView::enterEvent(QEnterEvent* event)
{
    setEventInformation(event->position(), Qt::NoModifier);
    interactor_->InvokeEvent(vtkCommand::EnterEvent);
}

void VtkView::leaveEvent(QEvent*)
{
    interactor_->InvokeEvent(vtkCommand::LeaveEvent);
}

}  // namespace lf::ui
