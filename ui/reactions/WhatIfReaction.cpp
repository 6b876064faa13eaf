#include "ui/reactions/WhatIfReaction.h"

#include "ui/ProcessModelLocation.h"
#include "ui/panels/WhatIfPanel.h"

#include <QAction>
#include <QDockWidget>
#include <QLabel>
#include <QMainWindow>
#include <QMenu>

namespace lf::ui {

WhatIfPanel* installWhatIfPanel(QMainWindow& window, QMenu& viewMenu) {
    auto* panel = new WhatIfPanel(&window);
    QDockWidget* neighbour = nullptr;
    for (auto* dock : window.findChildren<QDockWidget*>()) {
        if (dock != panel && window.dockWidgetArea(dock) == Qt::RightDockWidgetArea) {
            neighbour = dock;
            break;
        }
    }
    window.addDockWidget(Qt::RightDockWidgetArea, panel);
    if (neighbour) window.tabifyDockWidget(neighbour, panel);
    QAction* toggle = panel->toggleViewAction();
    toggle->setText(QObject::tr("&What-if"));
    toggle->setShortcut(QKeySequence(QStringLiteral("Ctrl+Shift+W")));
    viewMenu.addAction(toggle);

    const QString directory = findProcessModelDirectory();
    if (directory.isEmpty()) {
        panel->statusLabel()->setText(QObject::tr("No what-if model found (models/%1 or $LATENTFORGE_MODELS).")
                                          .arg(QString::fromLatin1(kDefaultProcessModelId)));
    } else {
        panel->loadModel(directory);
    }
    return panel;
}

}  // namespace lf::ui
