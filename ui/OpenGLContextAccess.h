#pragma once
// The few QOpenGLContext calls VtkView needs, kept in a file without GLEW: qopenglcontext.h
// must not follow vtk_glew.h (it undefines GLEW's macros and says so on every build).
#include <functional>

class QObject;
class QOpenGLWidget;

namespace lf::ui {

// Makes the widget's context current on its surface WITHOUT binding the widget's framebuffer
// (QOpenGLWidget::makeCurrent does bind it).
bool makeContextCurrent(QOpenGLWidget* widget);
bool isContextCurrent(const QOpenGLWidget* widget);
// Runs `callback` (in `receiver`'s thread and lifetime) before the widget's current context is
// destroyed; connecting again for the same context replaces nothing and adds nothing twice.
void connectContextAboutToBeDestroyed(QOpenGLWidget* widget, QObject* receiver,
                                      std::function<void()> callback);

}  // namespace lf::ui
