#pragma once
// Exceptions never cross a worker thread's boundary: each becomes a message for the GUI.
#include "core/util/Error.h"

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

}  // namespace lf::ui
