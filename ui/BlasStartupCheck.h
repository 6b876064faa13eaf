#pragma once
// Start-up check that LibTorch runs on an optimized BLAS. probeBlas() loads torch and times a
// matmul, so it runs on a worker thread: the window paints first, the warning follows.
#include <QObject>

namespace lf::ui {

class BlasStartupCheck : public QObject {
    Q_OBJECT
public:
    explicit BlasStartupCheck(QObject* parent = nullptr);
    void start();

Q_SIGNALS:
    // `warning` is empty when the BLAS is optimized.
    void finished(const QString& warning);
};

}  // namespace lf::ui
