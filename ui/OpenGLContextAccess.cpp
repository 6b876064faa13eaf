#include "ui/OpenGLContextAccess.h"

#include <QOpenGLContext>
#include <QOpenGLWidget>

namespace lf::ui {

bool makeContextCurrent(QOpenGLWidget* widget)
{
    QOpenGLContext* context = widget->context();
    return context != nullptr && context->makeCurrent(context->surface());
}

bool isContextCurrent(const QOpenGLWidget* widget)
{
    const QOpenGLContext* current = QOpenGLContext::currentContext();
    return current != nullptr && current == widget->context();
}

void connectContextAboutToBeDestroyed(QOpenGLWidget* widget, QObject* receiver,
                                      std::function<void()> callback)
{
    QOpenGLContext* context = widget->context();
    if (!context) return;
    // One connection per context: the property marks contexts already connected.
    static const char* kConnected = "lfContextCleanupConnected";
    if (context->property(kConnected).toBool()) return;
    context->setProperty(kConnected, true);
    QObject::connect(context, &QOpenGLContext::aboutToBeDestroyed, receiver, std::move(callback));
}

}  // namespace lf::ui
