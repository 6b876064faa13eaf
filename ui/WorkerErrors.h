#pragma once
// Exceptions never cross a worker thread's boundary: each becomes a message for the GUI.
#include "core/util/Error.h"

#include <QCoreApplication>
#include <QString>

#include <exception>
#include <new>

namespace lf::ui {

// Runs `job`; returns an empty string, or the failure as a message (lf::Error's as it is, others
// prefixed with `what`: a file name or the job's name).
template <typename F>
QString runCatching(F&& job, const QString& what)
{
    try {
        job();
        return {};
    } catch (const Error& e) {
        return QString::fromStdString(e.what());
    } catch (const std::bad_alloc&) {
        return QStringLiteral("%1: not enough memory").arg(what);
    } catch (const std::exception& e) {
        return QStringLiteral("%1: %2").arg(what, QString::fromStdString(e.what()));
    }
}

// What a shape job and the panels say when no shape model is loaded: one message, one translation.
inline QString noShapeModelMessage()
{
    return QCoreApplication::translate("lf::ui", "No shape model is loaded");
}

}  // namespace lf::ui
