#pragma once
// Image comparison, dialog lookup and answering modal dialogs, shared by the GUI suites.
#include <QApplication>
#include <QImage>
#include <QMessageBox>
#include <QTimer>
#include <QWidget>

#include <cstdlib>
#include <functional>

namespace lf::test {

inline int colorDistance(QRgb a, QRgb b) {
    return std::abs(qRed(a) - qRed(b)) + std::abs(qGreen(a) - qGreen(b)) + std::abs(qBlue(a) - qBlue(b));
}

// Share of pixels that differ clearly (colour distance above 24) between two same-sized images;
// -1 when the sizes differ or the images are null.
inline double differingShare(const QImage& a, const QImage& b) {
    if (a.size() != b.size() || a.isNull()) return -1;
    qint64 differing = 0;
    for (int y = 0; y < a.height(); ++y)
        for (int x = 0; x < a.width(); ++x)
            if (colorDistance(a.pixel(x, y), b.pixel(x, y)) > 24) ++differing;
    return double(differing) / (double(a.width()) * a.height());
}

// The visible error dialog of `window` (object name "errorMessageBox"), or null.
inline QMessageBox* errorBox(QWidget* window) {
    for (QMessageBox* box : window->findChildren<QMessageBox*>(QStringLiteral("errorMessageBox")))
        if (box->isVisible()) return box;
    return nullptr;
}

// Runs `handle` once on the first modal `Dialog` that opens: a dialog's exec() does not return to
// the test, so the test answers it from a polling timer. Keep the timer until the dialog is done.
template <class Dialog>
void whenModalDialogOpens(QTimer& poll, std::function<void(Dialog*)> handle) {
    QObject::connect(&poll, &QTimer::timeout, [&poll, handle = std::move(handle)] {
        auto* dialog = qobject_cast<Dialog*>(QApplication::activeModalWidget());
        if (!dialog) return;
        poll.stop();
        handle(dialog);
    });
    poll.start(20);
}

}  // namespace lf::test
