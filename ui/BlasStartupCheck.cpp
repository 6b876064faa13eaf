#include "ui/BlasStartupCheck.h"

#include "core/ml/BlasCheck.h"

#include <QFutureWatcher>
#include <QtConcurrent>

namespace lf::ui {

BlasStartupCheck::BlasStartupCheck(QObject* parent) : QObject(parent) {}

void BlasStartupCheck::start()
{
    auto* watcher = new QFutureWatcher<QString>(this);
    connect(watcher, &QFutureWatcher<QString>::finished, this, [this, watcher] {
        watcher->deleteLater();
        Q_EMIT finished(watcher->result());
    });
    watcher->setFuture(QtConcurrent::run([]() -> QString {
        try {
            return QString::fromStdString(ml::blasWarning(ml::probeBlas()));
        } catch (const std::exception& e) {
            return QStringLiteral("Could not check the BLAS library: %1").arg(e.what());
        }
    }));
}

}  // namespace lf::ui
